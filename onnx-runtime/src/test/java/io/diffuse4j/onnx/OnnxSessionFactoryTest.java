package io.diffuse4j.onnx;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxSessionFactoryTest {

  private final OnnxSessionFactory factory = new OnnxSessionFactory(RuntimeOptions.defaults(), w -> { });

  @Test
  void missingFileNamesThePart(@TempDir Path dir) {
    assertThatThrownBy(() -> factory.open(dir.resolve("unet/model.onnx"), "unet"))
        .isInstanceOf(DiffusionException.class)
        .hasMessageContaining("Missing unet model")
        .hasMessageContaining("unet/model.onnx");
  }

  @Test
  void corruptFileIsReportedWithoutNativeTrace(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("model.onnx");
    Files.write(f, new byte[] {8, 7, 18, 3, 'a', 'b', 'c', 0x7f, 0x7f, 0x7f});
    assertThatThrownBy(() -> factory.open(f, "vae_decoder"))
        .isInstanceOf(DiffusionException.class)
        .hasMessageContaining("not a valid ONNX model or is truncated")
        .hasMessageContaining("Re-export");
  }
}
