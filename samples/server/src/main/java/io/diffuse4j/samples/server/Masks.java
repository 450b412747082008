package io.diffuse4j.samples.server;

import java.awt.image.BufferedImage;

/**
 * Inpainting mask helpers for AUTOMATIC1111's {@code inpainting_mask_invert} and
 * {@code mask_blur}: masks become grey images (white = repaint). Stateless and thread-safe.
 */
final class Masks {

  private Masks() {}

  static BufferedImage invert(BufferedImage m) {
    BufferedImage out = grey(m);
    for (int y = 0; y < out.getHeight(); y++) {
      for (int x = 0; x < out.getWidth(); x++) {
        int v = 255 - (out.getRGB(x, y) & 0xff);
        out.setRGB(x, y, (v << 16) | (v << 8) | v);
      }
    }
    return out;
  }

  /** Three box blurs of radius {@code r / 2} (about a Gaussian of sigma {@code r / 2}); r = 0 keeps the mask. */
  static BufferedImage blur(BufferedImage m, int r) {
    BufferedImage g = grey(m);
    int rad = r / 2;
    if (rad < 1) {
      return g;
    }
    int w = g.getWidth();
    int h = g.getHeight();
    float[] v = new float[w * h];
    for (int i = 0; i < v.length; i++) {
      v[i] = g.getRGB(i % w, i / w) & 0xff;
    }
    for (int pass = 0; pass < 3; pass++) {
      v = box(v, w, h, rad, true);
      v = box(v, w, h, rad, false);
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < v.length; i++) {
      int x = Math.max(0, Math.min(255, Math.round(v[i])));
      out.setRGB(i % w, i / w, (x << 16) | (x << 8) | x);
    }
    return out;
  }

  private static float[] box(float[] v, int w, int h, int rad, boolean horizontal) {
    float[] out = new float[v.length];
    int len = horizontal ? w : h;
    int lines = horizontal ? h : w;
    for (int line = 0; line < lines; line++) {
      for (int i = 0; i < len; i++) {
        float sum = 0;
        int n = 0;
        for (int k = Math.max(0, i - rad); k <= Math.min(len - 1, i + rad); k++) {
          sum += v[horizontal ? line * w + k : k * w + line];
          n++;
        }
        out[horizontal ? line * w + i : i * w + line] = sum / n;
      }
    }
    return out;
  }

  private static BufferedImage grey(BufferedImage m) {
    BufferedImage out = new BufferedImage(m.getWidth(), m.getHeight(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < m.getHeight(); y++) {
      for (int x = 0; x < m.getWidth(); x++) {
        int rgb = m.getRGB(x, y);
        int a = (rgb >>> 24);
        int l = (int) Math.round((((rgb >> 16) & 0xff) * 0.299 + ((rgb >> 8) & 0xff) * 0.587 + (rgb & 0xff) * 0.114)
            * (m.getColorModel().hasAlpha() ? a / 255.0 : 1));
        out.setRGB(x, y, (l << 16) | (l << 8) | l);
      }
    }
    return out;
  }
}
