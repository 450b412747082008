package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.noise.NoiseKind;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationParameters;
import io.diffuse4j.pipelines.image.PngWriter;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngWriterTest {

  private static GeneratedImage image(String prompt) {
    BufferedImage img = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB);
    img.setRGB(3, 2, 0xFF8800);
    return new GeneratedImage(img, new GenerationParameters(prompt, "blurry", 42, 20, 7.5, "ddim", "tiny", 8, 4,
        NoiseKind.TORCH, 0, Double.NaN));
  }

  @Test
  void embedsParametersAndReadsThemBack(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("a.png");
    PngWriter.write(image("a red circle, ünïcode ✓"), f);
    GenerationParameters p = PngWriter.readParameters(f);
    assertThat(p).isEqualTo(image("a red circle, ünïcode ✓").parameters());
    BufferedImage back = ImageIO.read(f.toFile());
    assertThat(back.getRGB(3, 2) & 0xFFFFFF).isEqualTo(0xFF8800);
    assertThat(PngWriter.readText(f)).containsEntry("scheduler", "ddim").containsEntry("seed", "42");
  }

  @Test
  void sameImageGivesSameBytes(@TempDir Path dir) throws Exception {
    PngWriter.write(image("x"), dir.resolve("1.png"));
    PngWriter.write(image("x"), dir.resolve("2.png"));
    assertThat(Files.readAllBytes(dir.resolve("1.png"))).isEqualTo(Files.readAllBytes(dir.resolve("2.png")));
    PngWriter.write(image("y"), dir.resolve("3.png"));
    assertThat(Files.readAllBytes(dir.resolve("3.png"))).isNotEqualTo(Files.readAllBytes(dir.resolve("1.png")));
  }
}
