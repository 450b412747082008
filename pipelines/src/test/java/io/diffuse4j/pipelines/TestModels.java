package io.diffuse4j.pipelines;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the generated fixture models in the repository's test-models/ folder. */
final class TestModels {

  private TestModels() {}

  static Path dir(String name) {
    Path root = Path.of("..", "test-models").toAbsolutePath().normalize();
    Path p = root.resolve(name);
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("Fixture model " + p + " is missing: regenerate with"
          + " /usr/bin/python3 tools/fixtures/make_test_models.py --out test-models");
    }
    return p;
  }
}
