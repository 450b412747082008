package io.diffuse4j.samples.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.pipelines.Diffusion;
import io.diffuse4j.pipelines.image.PngWriter;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The Swing sample on a virtual display: a child JVM under {@code xvfb-run} drives the window
 * (generate, previews, save, cancel) and writes a screenshot to target/desktop/desktop.png.
 */
class DiffuseDesktopTest {

  @Test
  void generatesWithPreviewsOnTheEventThreadSavesAndCancelsUnderXvfb() throws Exception {
    Path dir = Path.of("target/desktop").toAbsolutePath();
    Files.createDirectories(dir);
    for (String f : List.of("result.png", "desktop.png")) {
      Files.deleteIfExists(dir.resolve(f));
    }
    Path log = dir.resolve("self-test.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of("xvfb-run", "-a", "-s", "-screen 0 1024x768x24", java, "-cp",
        System.getProperty("java.class.path"), DiffuseDesktop.class.getName(), "--self-test", dir.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("self-test finished").isTrue();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("previews=20 ", "offEdt=0 ", "status=saved result.png ", "cancelled=true");

    BufferedImage shot = ImageIO.read(dir.resolve("desktop.png").toFile());
    assertThat(shot.getWidth()).isGreaterThan(384);
    Path result = dir.resolve("result.png");
    assertThat(PngWriter.readParameters(result).seed()).isEqualTo(42);
    try (DiffusionPipeline sd = Diffusion.loadBundled()) {
      BufferedImage expected = sd.generate(GenerationRequest.builder("a red circle on a blue background").seed(42)
          .steps(20).build()).first().image();
      BufferedImage saved = ImageIO.read(result.toFile());
      for (int y = 0; y < expected.getHeight(); y++) {
        for (int x = 0; x < expected.getWidth(); x++) {
          assertThat(saved.getRGB(x, y)).isEqualTo(expected.getRGB(x, y));
        }
      }
      // the window shows the finished image (scaled 6x, nearest neighbour): sample its centre
      int[] loc = {shot.getWidth() / 2, shot.getHeight() / 2};
      assertThat(shot.getRGB(loc[0], loc[1])).isNotEqualTo(shot.getRGB(2, 2));
    }
  }
}
