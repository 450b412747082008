package io.diffuse4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.pipelines.image.PngWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DiffuseCliTest {

  static final String MODEL = Path.of("..", "..", "test-models", "sd15-tiny").toAbsolutePath().normalize().toString();

  record Run(int code, String out, String err) {}

  /** A copy of test-models/sd15-tiny in {@code to}. */
  static Path copyModel(Path to) throws java.io.IOException {
    Path from = Path.of(MODEL);
    try (java.util.stream.Stream<Path> s = Files.walk(from)) {
      for (Path p : s.sorted().toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    return to;
  }

  static Run run(String... args) {
    CommandLine cl = DiffuseCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void generateWritesReproduciblePngsWithParameters(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("a.png");
    Path b = dir.resolve("b.png");
    Run r = run("generate", "--model", MODEL, "--prompt", "x", "--steps", "3", "--scheduler", "ddim", "--seed", "5",
        "--output", a.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("a.png");
    assertThat(r.err()).contains("3/3");
    run("generate", "--model", MODEL, "--prompt", "x", "--steps", "3", "--scheduler", "ddim", "--seed", "5",
        "--output", b.toString());
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    var p = PngWriter.readParameters(a);
    assertThat(p.prompt()).isEqualTo("x");
    assertThat(p.seed()).isEqualTo(5);
    assertThat(p.steps()).isEqualTo(3);
    assertThat(p.scheduler()).isEqualTo("ddim");
    assertThat(p.model()).isEqualTo("sd15-tiny");
  }

  @Test
  void promptFileWritesNumberedImages(@TempDir Path dir) throws Exception {
    Path prompts = dir.resolve("p.txt");
    Files.writeString(prompts, "first\n\nthird\n");
    Run r = run("generate", "--model", MODEL, "--prompt-file", prompts.toString(), "--output-dir",
        dir.resolve("out").toString(), "--steps", "2", "--scheduler", "ddim");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(dir.resolve("out/0001.png")).exists();
    assertThat(dir.resolve("out/0002.png")).doesNotExist();
    assertThat(dir.resolve("out/0003.png")).exists();
    assertThat(PngWriter.readParameters(dir.resolve("out/0003.png")).prompt()).isEqualTo("third");
  }

  @Test
  void exitCodes(@TempDir Path dir) {
    assertThat(run("generate", "--prompt", "x").code()).isEqualTo(2); // no --output
    assertThat(run("generate", "--model", MODEL, "--prompt", "x", "--steps", "0", "--output",
        dir.resolve("o.png").toString()).code()).isEqualTo(2);
    Run missing = run("generate", "--model", dir.resolve("none").toString(), "--prompt", "x", "--output",
        dir.resolve("o.png").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("does not exist");
    Run unknown = run("generate", "--model", MODEL, "--prompt", "x", "--scheduler", "zzz", "--output",
        dir.resolve("o.png").toString());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unknown scheduler 'zzz'");
    assertThat(run("generate", "--help").code()).isZero();
    assertThat(run("frobnicate").code()).isEqualTo(2);
  }

  @Test
  void unseededRunPrintsItsRandomSeedWhichReproducesTheImage(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("a.png");
    Run r = run("generate", "--model", MODEL, "--prompt", "x", "--steps", "2", "--scheduler", "ddim", "--output",
        a.toString());
    assertThat(r.code()).as(r.err()).isZero();
    long seed = PngWriter.readParameters(a).seed();
    assertThat(r.err()).contains("seed " + seed + ": " + a);
    Path b = dir.resolve("b.png");
    run("generate", "--model", MODEL, "--prompt", "x", "--steps", "2", "--scheduler", "ddim", "--seed",
        Long.toString(seed), "--output", b.toString());
    assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
  }

  @Test
  void badOutputIsRefusedBeforeGeneratingAndBadValuesNameTheirOption(@TempDir Path dir) {
    Run noFolder = run("generate", "--model", MODEL, "--prompt", "x", "--steps", "2", "--output",
        dir.resolve("missing/o.png").toString());
    assertThat(noFolder.code()).isEqualTo(2);
    assertThat(noFolder.err()).contains("does not exist").doesNotContain("1/2").doesNotContain("Exception");
    Run isFolder = run("generate", "--model", MODEL, "--prompt", "x", "--steps", "2", "--output", dir.toString());
    assertThat(isFolder.code()).isEqualTo(2);
    assertThat(isFolder.err()).contains("is a folder");
    Run width = run("generate", "--model", MODEL, "--prompt", "x", "--steps", "2", "--width", "60", "--output",
        dir.resolve("o.png").toString());
    assertThat(width.code()).isEqualTo(2);
    assertThat(width.err()).contains("multiples of").contains("(option --width)");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"sd15-tiny", "sd15-tiny-fp16", "sd15-tiny-optimum",
      "sd15-tiny-batch1", "sd15-tiny-external", "sd2-tiny-v", "sd-turbo-tiny", "lcm-tiny", "sdxl-tiny"})
  void everyExportVariantGeneratesWithoutAFamilyFlag(String model, @TempDir Path dir) throws Exception {
    Path out = dir.resolve(model + ".png");
    Run r = run("generate", "--model", Path.of("..", "..", "test-models", model).toString(), "--prompt", "a red circle",
        "--steps", "2", "--width", "64", "--height", "64", "--output", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(javax.imageio.ImageIO.read(out.toFile()).getWidth()).isEqualTo(64);
  }

  @Test
  void inpaintingModelWithInitImageAndMask(@TempDir Path dir) throws Exception {
    Path init = dir.resolve("init.png");
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(64, 64,
        java.awt.image.BufferedImage.TYPE_INT_ARGB);
    javax.imageio.ImageIO.write(img, "png", init.toFile());
    Path out = dir.resolve("o.png");
    Run r = run("generate", "--model", Path.of("..", "..", "test-models", "sd15-tiny-inpaint").toString(), "--prompt", "x",
        "--steps", "2", "--width", "64", "--height", "64", "--init-image", init.toString(), "--mask", init.toString(),
        "--strength", "1", "--preview-dir", dir.resolve("pv").toString(), "--output", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(dir.resolve("pv/0001-step002.png")).exists();
    assertThat(PngWriter.readParameters(out).strength()).isEqualTo(1.0);
  }

  @Test
  void bundledModelWarnsAboutWordsItDoesNotKnow(@TempDir Path dir) {
    Run r = run("generate", "--prompt", "a red zebra on a blue background", "--steps", "2",
        "--output", dir.resolve("z.png").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("warning").contains("zebra");
  }

  @Test
  void schedulersAreListedOneALine() {
    Run r = run("schedulers");
    assertThat(r.code()).isZero();
    assertThat(r.out().lines()).contains("ddim", "ddpm");
  }
}
