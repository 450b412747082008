package io.diffuse4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.diffuse4j.textencoder.tokenizer.ClipTokenizerFiles;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTokenizerConformanceTest {

  @TempDir Path temp;

  /** text-encoder's CLIP test data (vocab.json, merges.txt and the case files), a test resource of this module. */
  static Path clipDir() {
    try {
      return Path.of(ClipTokenizerConformanceTest.class.getResource("/clip-tokenizer/vocab.json").toURI()).getParent();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> run(String cases, Path dir) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean ok;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      ok = ClipTokenizerConformance.run(clipDir().resolve(cases), dir, out);
    }
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    List<String> failures = lines.stream().filter(l -> l.startsWith("FAIL")).toList();
    assertThat(failures).as("failing cases").isEmpty();
    assertThat(ok).isTrue();
    return lines;
  }

  @Test
  void sharedCasesPassEveryVariantFromVocabAndMerges() {
    List<String> lines = run("cases.json", clipDir());
    // 41 cases x (untruncated, pad <|endoftext|>, pad 0) plus the summary line
    assertThat(lines.stream().filter(l -> l.startsWith("PASS"))).hasSize(41 * 3);
    assertThat(lines.get(lines.size() - 1)).isEqualTo("clip-tokenizer: 123/123 passed");
  }

  @Test
  void harderCasesPass() {
    List<String> lines = run("hard-cases.json", clipDir());
    assertThat(lines.stream().filter(l -> l.startsWith("PASS")).count()).isEqualTo(48 * 3);
  }

  @Test
  void sharedCasesPassFromTokenizerJson() throws Exception {
    Path dir = Files.createDirectory(temp.resolve("tok"));
    ClipTokenizerFiles.writeTokenizerJson(
        clipDir().resolve("vocab.json"), clipDir().resolve("merges.txt"), dir.resolve("tokenizer.json"));
    run("cases.json", dir);
  }

  @Test
  void reportsFirstDifferingPosition() throws Exception {
    String bad = "{\"cases\":[{\"text\":\"a photo of a cat\",\"ids\":[49406,320,1125,539,320,2369,49407]}]}";
    Path file = temp.resolve("bad.json");
    Files.writeString(file, bad);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean ok = ClipTokenizerConformance.run(file, clipDir(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(ok).isFalse();
    assertThat(out).contains("FAIL case000[a_photo_of_a_cat]/ids position 5: expected 2369, got 2368")
        .doesNotContain("PASS");
  }
}
