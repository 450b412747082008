package io.diffuse4j.djl;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the shared test models and image comparisons. */
final class Fixtures {

  private Fixtures() {}

  static Path testModel(String name) {
    Path p = Path.of("..", "test-models", name).toAbsolutePath().normalize();
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("Fixture model " + p + " is missing: regenerate with"
          + " /usr/bin/python3 tools/fixtures/make_test_models.py --out test-models");
    }
    return p;
  }

  /** The largest difference of one channel of one pixel, 0..255. */
  static int maxChannelDiff(BufferedImage a, BufferedImage b) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      throw new AssertionError("sizes differ: " + a.getWidth() + "x" + a.getHeight() + " vs " + b.getWidth() + "x"
          + b.getHeight());
    }
    int max = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int s = 0; s < 24; s += 8) {
          max = Math.max(max, Math.abs(((p >> s) & 255) - ((q >> s) & 255)));
        }
      }
    }
    return max;
  }

  /** Whether the image has more than one colour (a blank image would make equality tests vacuous). */
  static boolean varied(BufferedImage a) {
    int first = a.getRGB(0, 0);
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        if (a.getRGB(x, y) != first) {
          return true;
        }
      }
    }
    return false;
  }
}
