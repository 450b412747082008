package io.diffuse4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --engine pytorch} runs the TorchScript parts and gives the ONNX Runtime image. */
class EngineOptionTest {

  @Test
  void pytorchEngineGivesTheOnnxImage(@TempDir Path dir) throws Exception {
    Path onnx = dir.resolve("onnx.png");
    Path torch = dir.resolve("torch.png");
    String[] common = {"generate", "--model", DiffuseCliTest.MODEL, "--prompt", "a red circle", "--steps", "2",
        "--scheduler", "ddim", "--seed", "3"};
    DiffuseCliTest.Run a = DiffuseCliTest.run(concat(common, "--output", onnx.toString()));
    DiffuseCliTest.Run b = DiffuseCliTest.run(concat(common, "--engine", "pytorch", "--output", torch.toString()));
    assertThat(a.code()).as(a.err()).isZero();
    assertThat(b.code()).as(b.err()).isZero();
    BufferedImage x = ImageIO.read(onnx.toFile());
    BufferedImage y = ImageIO.read(torch.toFile());
    int max = 0;
    for (int j = 0; j < x.getHeight(); j++) {
      for (int i = 0; i < x.getWidth(); i++) {
        for (int s = 0; s < 24; s += 8) {
          max = Math.max(max, Math.abs(((x.getRGB(i, j) >> s) & 255) - ((y.getRGB(i, j) >> s) & 255)));
        }
      }
    }
    assertThat(max).isLessThanOrEqualTo(2);
  }

  @Test
  void unknownEngineIsAClearError() {
    DiffuseCliTest.Run r = DiffuseCliTest.run("generate", "--model", DiffuseCliTest.MODEL, "--prompt", "x",
        "--engine", "tensorrt", "--output", "unused.png");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("tensorrt").contains("OnnxRuntime").contains("PyTorch");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
