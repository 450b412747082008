package io.diffuse4j.samples.cli;

import static io.diffuse4j.samples.cli.DiffuseCliTest.MODEL;
import static io.diffuse4j.samples.cli.DiffuseCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.pipelines.image.PngWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile command lines of issue #13: each a clear error (exit 2) before any generation, or the right output. */
class HostileCliInputTest {

  /** A model path that does not exist: an output error reported first proves nothing was loaded or generated. */
  private static String noModel(Path dir) {
    return dir.resolve("no-model").toString();
  }

  @Test
  void outputThatIsAFolderADeviceOrALinkIsRefusedBeforeGenerating(@TempDir Path dir) throws Exception {
    DiffuseCliTest.Run folder = run("generate", "--model", noModel(dir), "--prompt", "x", "--output", dir.toString());
    assertThat(folder.code()).isEqualTo(2);
    assertThat(folder.err()).contains("is a folder").doesNotContain("Exception").doesNotContain("no-model");
    DiffuseCliTest.Run device = run("generate", "--model", noModel(dir), "--prompt", "x", "--output", "/dev/null",
        "--overwrite");
    assertThat(device.code()).isEqualTo(2);
    assertThat(device.err()).contains("/dev/null").contains("device");
    Path victim = Files.writeString(dir.resolve("victim"), "precious");
    Path link = Files.createSymbolicLink(dir.resolve("o.png"), victim);
    DiffuseCliTest.Run viaLink = run("generate", "--model", noModel(dir), "--prompt", "x", "--output", link.toString(),
        "--overwrite");
    assertThat(viaLink.code()).isEqualTo(2);
    assertThat(viaLink.err()).contains("symbolic link");
    assertThat(Files.readString(victim)).isEqualTo("precious");
  }

  @Test
  void existingOutputNeedsOverwrite(@TempDir Path dir) throws Exception {
    Path out = Files.writeString(dir.resolve("o.png"), "mine");
    DiffuseCliTest.Run r = run("generate", "--model", noModel(dir), "--prompt", "x", "--output", out.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("already exists").contains("--overwrite");
    assertThat(Files.readString(out)).isEqualTo("mine");
    DiffuseCliTest.Run again = run("generate", "--model", MODEL, "--prompt", "x", "--steps", "1", "--output",
        out.toString(), "--overwrite");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(PngWriter.readParameters(out).prompt()).isEqualTo("x");
  }

  @Test
  void promptFileWithInvalidUtf8NamesTheFileAndLine(@TempDir Path dir) throws Exception {
    Path prompts = dir.resolve("prompts.txt");
    Files.write(prompts, new byte[] {'o', 'k', '\n', 'b', 'a', (byte) 0xC3, (byte) 0x28, '\n'});
    DiffuseCliTest.Run r = run("generate", "--model", noModel(dir), "--prompt-file", prompts.toString(),
        "--output-dir", dir.resolve("out").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("prompts.txt").contains("not valid UTF-8").contains("line 2")
        .doesNotContain("Exception");
  }

  @Test
  void loneCarriageReturnDoesNotShiftNumbering(@TempDir Path dir) throws Exception {
    Path prompts = dir.resolve("p.txt");
    Files.write(prompts, "first\rstill first\r\nsecond\nthird\n".getBytes(StandardCharsets.UTF_8));
    DiffuseCliTest.Run r = run("generate", "--model", MODEL, "--prompt-file", prompts.toString(), "--output-dir",
        dir.resolve("out").toString(), "--steps", "1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(PngWriter.readParameters(dir.resolve("out/0002.png")).prompt()).isEqualTo("second");
    assertThat(PngWriter.readParameters(dir.resolve("out/0003.png")).prompt()).isEqualTo("third");
    assertThat(dir.resolve("out/0004.png")).doesNotExist();
  }

  @Test
  void imagesThatAreNotImagesOrBombsAreRefused(@TempDir Path dir) throws Exception {
    Path junk = Files.writeString(dir.resolve("init.png"), "not an image");
    DiffuseCliTest.Run r = run("generate", "--model", noModel(dir), "--prompt", "x", "--init-image", junk.toString(),
        "--output", dir.resolve("o.png").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("init.png").doesNotContain("Exception");
  }

  @Test
  void emojiInTheModelPathLoads(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("modèle 🐱");
    copyTree(Path.of(MODEL), model);
    DiffuseCliTest.Run r = run("generate", "--model", model.toString(), "--prompt", "x", "--steps", "1", "--output",
        dir.resolve("o.png").toString());
    assertThat(r.code()).as(r.err()).isZero();
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
