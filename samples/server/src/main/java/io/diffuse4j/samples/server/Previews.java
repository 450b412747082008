package io.diffuse4j.samples.server;

import io.diffuse4j.api.pipeline.StepEvent;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Step previews at image resolution: the pipeline's latent previews (one pixel per latent pixel)
 * scaled up bilinearly to the image's size. Stateless and thread-safe.
 */
final class Previews {

  private Previews() {}

  /** The previews of a step, scaled to {@code width x height}; empty when the step has none. */
  static List<BufferedImage> of(StepEvent e, int width, int height) {
    if (e.preview() == null) {
      return List.of();
    }
    return List.of(scale(e.preview(), width, height));
  }

  static BufferedImage scale(BufferedImage src, int width, int height) {
    if (src.getWidth() == width && src.getHeight() == height) {
      return src;
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(src, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
