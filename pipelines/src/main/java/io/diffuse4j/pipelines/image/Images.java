package io.diffuse4j.pipelines.image;

import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.tensor.FloatTensor;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * Conversions between images and the tensors models read and write. Stateless and thread-safe.
 */
public final class Images {

  private Images() {}

  /**
   * Image {@code index} of a decoded batch {@code [b, 3, h, w]} in [-1, 1] as an RGB image:
   * {@code round(clamp(x / 2 + 0.5, 0, 1) * 255)}, as diffusers' image processor does.
   */
  public static BufferedImage toImage(FloatTensor images, int index) {
    int h = images.dim(2);
    int w = images.dim(3);
    int plane = h * w;
    int base = index * 3 * plane;
    float[] d = images.data();
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] rgb = new int[plane];
    for (int i = 0; i < plane; i++) {
      int r = to8(d[base + i]);
      int g = to8(d[base + plane + i]);
      int b = to8(d[base + 2 * plane + i]);
      rgb[i] = (r << 16) | (g << 8) | b;
    }
    img.setRGB(0, 0, w, h, rgb, 0, w);
    return img;
  }

  private static int to8(float x) {
    float v = x / 2f + 0.5f;
    if (!(v >= 0f)) {
      v = 0f; // NaN too
    } else if (v > 1f) {
      v = 1f;
    }
    return Math.round(v * 255f);
  }

  /**
   * An image as a {@code [1, 3, h, w]} tensor in [-1, 1], resized (bicubic) to {@code width x height}
   * when its size differs. Any mode is accepted: alpha is composited on white, grey is spread to RGB.
   */
  public static FloatTensor toTensor(BufferedImage image, int width, int height) {
    BufferedImage rgb = toRgb(image, width, height);
    int plane = width * height;
    float[] out = new float[3 * plane];
    int[] px = rgb.getRGB(0, 0, width, height, null, 0, width);
    for (int i = 0; i < plane; i++) {
      int p = px[i];
      out[i] = ((p >> 16) & 0xFF) / 127.5f - 1f;
      out[plane + i] = ((p >> 8) & 0xFF) / 127.5f - 1f;
      out[2 * plane + i] = (p & 0xFF) / 127.5f - 1f;
    }
    return FloatTensor.of(out, 1, 3, height, width);
  }

  /**
   * A mask as a {@code [1, 1, h, w]} tensor in [0, 1] (white = 1 = repaint), from the image's
   * luminance after resizing to {@code width x height}.
   */
  public static FloatTensor maskToTensor(BufferedImage mask, int width, int height) {
    BufferedImage rgb = toRgb(mask, width, height);
    int[] px = rgb.getRGB(0, 0, width, height, null, 0, width);
    float[] out = new float[width * height];
    for (int i = 0; i < out.length; i++) {
      int p = px[i];
      out[i] = (0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF)) / 255f;
    }
    return FloatTensor.of(out, 1, 1, height, width);
  }

  /**
   * Grey images (8- or 16-bit, with or without alpha) as RGB with the same sample values: Java's
   * colour conversion treats their grey colour space as linear and brightens them (grey 84 would
   * come out as 155), but PNG and JPEG grey samples are sRGB-encoded like RGB ones.
   */
  static BufferedImage greyToRgb(BufferedImage image) {
    Raster r = image.getRaster();
    int w = image.getWidth();
    int h = image.getHeight();
    int bands = r.getNumBands();
    boolean alpha = image.getColorModel().hasAlpha() && bands > 1;
    double max = (1L << image.getColorModel().getComponentSize(0)) - 1;
    double amax = alpha ? (1L << image.getColorModel().getComponentSize(bands - 1)) - 1 : 1;
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] grey = new int[w];
    int[] a = new int[w];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, 0, grey);
      if (alpha) {
        r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, bands - 1, a);
      }
      for (int x = 0; x < w; x++) {
        double v = grey[x] / max * 255.0;
        if (alpha) {
          double f = a[x] / amax;
          v = v * f + 255.0 * (1 - f); // on white, as toRgb composites
        }
        int g = (int) Math.round(Math.max(0, Math.min(255, v)));
        row[x] = (g << 16) | (g << 8) | g;
      }
      out.setRGB(0, y, w, 1, row, 0, w);
    }
    return out;
  }

  /**
   * A warning when {@code image} ({@code what}: "mask", "init image") has another aspect ratio than
   * the {@code width x height} it will be stretched to (more than 1% apart), else null.
   */
  public static String aspectWarning(String what, BufferedImage image, int width, int height) {
    double a = image.getWidth() / (double) image.getHeight();
    double b = width / (double) height;
    if (Math.abs(a / b - 1) <= 0.01) {
      return null;
    }
    return "The " + what + " is " + image.getWidth() + "x" + image.getHeight() + " but the image is " + width + "x"
        + height + ": it is stretched to fit (another aspect ratio); crop or pad it to " + width + ":" + height
        + " to keep its proportions";
  }

  /** Draws {@code image} onto an opaque RGB canvas of the given size (white behind transparency). */
  public static BufferedImage toRgb(BufferedImage image, int width, int height) {
    if (image == null) {
      throw new DiffusionException("No image given");
    }
    if (image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
      image = greyToRgb(image);
    }
    if (image.getType() == BufferedImage.TYPE_INT_RGB && image.getWidth() == width && image.getHeight() == height) {
      return image;
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(java.awt.Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(image, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
