package io.diffuse4j.pipelines.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * Outpainting as inpainting: extends an image's canvas and makes the mask that asks the model to
 * paint only the new area. Feed both to an inpainting request ({@code initImage(canvas).mask(mask)}).
 *
 * <pre>{@code
 * Outpainting.Canvas c = Outpainting.extend(photo, 0, 0, 64, 0); // 64 new pixels on the right
 * sd.generate(GenerationRequest.builder(prompt).initImage(c.image()).mask(c.mask())
 *     .width(c.image().getWidth()).height(c.image().getHeight()).strength(1.0).build());
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Outpainting {

  private Outpainting() {}

  /**
   * The extended canvas and its mask.
   *
   * @param image the original drawn at its offset, the new area filled with the edge's mean colour
   * @param mask white over the new area (repaint), black over the original (keep)
   */
  public record Canvas(BufferedImage image, BufferedImage mask) {}

  /**
   * Extends {@code image} by the given margins (pixels, each &gt;= 0).
   *
   * @throws IllegalArgumentException for a negative margin or no extension at all
   */
  public static Canvas extend(BufferedImage image, int left, int top, int right, int bottom) {
    if (left < 0 || top < 0 || right < 0 || bottom < 0) {
      throw new IllegalArgumentException("Outpainting margins must be >= 0, got left " + left + ", top " + top
          + ", right " + right + ", bottom " + bottom);
    }
    if (left + top + right + bottom == 0) {
      throw new IllegalArgumentException("Outpainting needs at least one margin > 0");
    }
    int w = image.getWidth() + left + right;
    int h = image.getHeight() + top + bottom;
    BufferedImage canvas = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    try {
      g.setColor(edgeMean(image));
      g.fillRect(0, 0, w, h);
      g.drawImage(image, left, top, null);
    } finally {
      g.dispose();
    }
    BufferedImage mask = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D m = mask.createGraphics();
    try {
      m.setColor(Color.WHITE);
      m.fillRect(0, 0, w, h);
      m.setColor(Color.BLACK);
      m.fillRect(left, top, image.getWidth(), image.getHeight());
    } finally {
      m.dispose();
    }
    return new Canvas(canvas, mask);
  }

  private static Color edgeMean(BufferedImage img) {
    long r = 0;
    long gr = 0;
    long b = 0;
    int n = 0;
    int w = img.getWidth();
    int h = img.getHeight();
    for (int x = 0; x < w; x++) {
      for (int y : new int[] {0, h - 1}) {
        int p = img.getRGB(x, y);
        r += (p >> 16) & 0xFF;
        gr += (p >> 8) & 0xFF;
        b += p & 0xFF;
        n++;
      }
    }
    for (int y = 0; y < h; y++) {
      for (int x : new int[] {0, w - 1}) {
        int p = img.getRGB(x, y);
        r += (p >> 16) & 0xFF;
        gr += (p >> 8) & 0xFF;
        b += p & 0xFF;
        n++;
      }
    }
    return new Color((int) (r / n), (int) (gr / n), (int) (b / n));
  }
}
