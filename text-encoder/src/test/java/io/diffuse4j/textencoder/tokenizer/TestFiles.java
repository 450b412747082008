package io.diffuse4j.textencoder.tokenizer;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the test resources (src/test/resources/clip-tokenizer). */
final class TestFiles {

  private TestFiles() {}

  /** The real CLIP vocabulary (vocab.json + merges.txt, MIT, see LICENSE-README.txt). */
  static Path clipDir() {
    try {
      return Path.of(TestFiles.class.getResource("/clip-tokenizer/vocab.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
