package io.diffuse4j.samples.judge;

import java.awt.image.BufferedImage;

/**
 * Judges an image of the bundled model's world by plain pixel analysis: each pixel takes the
 * nearest palette colour; the background is the most common colour; the shape is the largest
 * 4-connected blob of other pixels; its kind comes from how much of its bounding box it fills
 * (square >= 0.88, circle >= 0.65, else triangle), its position from the box centre (within 0.1
 * of the named centre), its size from the box side (small below 0.33 of the width). Mirrors
 * {@code tools/bundled-model/judge.py}. Stateless and thread-safe.
 */
public final class ShapeJudge {

  private ShapeJudge() {}

  /** Judges {@code image} against what {@code prompt} asks for. */
  public static Verdict judge(String prompt, BufferedImage image) {
    return judge(PromptGrammar.parse(prompt), image);
  }

  /** Judges {@code image} against a scene. */
  public static Verdict judge(Scene want, BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] lab = new int[w * h];
    int[] counts = new int[8];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int l = nearest(image.getRGB(x, y));
        lab[y * w + x] = l;
        counts[l]++;
      }
    }
    int bg = argmax(counts);
    boolean[] seen = new boolean[w * h];
    int[] stack = new int[w * h];
    int[] best = new int[0];
    int bestSize = 0;
    int[] comp = new int[w * h];
    for (int start = 0; start < w * h; start++) {
      if (lab[start] == bg || seen[start]) {
        continue;
      }
      int sp = 0;
      int n = 0;
      stack[sp++] = start;
      seen[start] = true;
      while (sp > 0) {
        int p = stack[--sp];
        comp[n++] = p;
        int x = p % w;
        int y = p / w;
        int[] nb = {x + 1 < w ? p + 1 : -1, x > 0 ? p - 1 : -1, y + 1 < h ? p + w : -1, y > 0 ? p - w : -1};
        for (int q : nb) {
          if (q >= 0 && !seen[q] && lab[q] != bg) {
            seen[q] = true;
            stack[sp++] = q;
          }
        }
      }
      if (n > bestSize) {
        bestSize = n;
        best = java.util.Arrays.copyOf(comp, n);
      }
    }
    String bgName = PromptGrammar.COLOUR_NAMES.get(bg);
    if (bestSize < 4) {
      return new Verdict(bgName, null, null, -1, -1, 0, bgName.equals(want.background()), false, false,
          want.position() == null ? null : false, want.size() == null ? null : false);
    }
    int[] cc = new int[8];
    int minX = w;
    int maxX = -1;
    int minY = h;
    int maxY = -1;
    for (int p : best) {
      cc[lab[p]]++;
      minX = Math.min(minX, p % w);
      maxX = Math.max(maxX, p % w);
      minY = Math.min(minY, p / w);
      maxY = Math.max(maxY, p / w);
    }
    String colour = PromptGrammar.COLOUR_NAMES.get(argmax(cc));
    int bw = maxX - minX + 1;
    int bh = maxY - minY + 1;
    double fill = bestSize / (double) (bw * bh);
    String shape = fill >= 0.88 ? "square" : fill >= 0.65 ? "circle" : "triangle";
    double cx = (minX + maxX + 1) / 2.0 / w;
    double cy = (minY + maxY + 1) / 2.0 / h;
    double side = Math.max(bw, bh) / (double) w;
    Boolean posOk = null;
    if (want.position() != null) {
      double[] c = PromptGrammar.POSITIONS.get(want.position());
      posOk = Math.abs(cx - c[0]) <= 0.1 && Math.abs(cy - c[1]) <= 0.1;
    }
    Boolean sizeOk = null;
    if (want.size() != null) {
      sizeOk = side > 0.1 && (side < 0.33) == "small".equals(want.size());
    }
    return new Verdict(bgName, colour, shape, cx, cy, side, bgName.equals(want.background()),
        colour.equals(want.colour()), shape.equals(want.shape()), posOk, sizeOk);
  }

  private static int nearest(int rgb) {
    int r = (rgb >> 16) & 0xFF;
    int g = (rgb >> 8) & 0xFF;
    int b = rgb & 0xFF;
    int best = 0;
    long bestD = Long.MAX_VALUE;
    for (int i = 0; i < 8; i++) {
      int p = PromptGrammar.COLOURS.get(PromptGrammar.COLOUR_NAMES.get(i));
      long dr = r - ((p >> 16) & 0xFF);
      long dg = g - ((p >> 8) & 0xFF);
      long db = b - (p & 0xFF);
      long d = dr * dr + dg * dg + db * db;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  private static int argmax(int[] a) {
    int best = 0;
    for (int i = 1; i < a.length; i++) {
      if (a[i] > a[best]) {
        best = i;
      }
    }
    return best;
  }
}
