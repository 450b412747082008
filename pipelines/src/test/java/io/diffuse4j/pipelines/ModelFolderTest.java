package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.pipelines.model.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFolderTest {

  @Test
  void missingFolder(@TempDir Path dir) {
    assertThatThrownBy(() -> ModelFolder.inspect(dir.resolve("nope")))
        .isInstanceOf(DiffusionException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining("bundled model");
  }

  @Test
  void saysWhatWasFoundAndWhatIsMissing(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("unet"));
    Files.writeString(dir.resolve("unet/model.onnx"), "x");
    Files.writeString(dir.resolve("readme.txt"), "hello");
    assertThatThrownBy(() -> ModelFolder.inspect(dir))
        .isInstanceOf(DiffusionException.class)
        .hasMessageContaining("missing model_index.json")
        .hasMessageContaining("text_encoder/model.onnx")
        .hasMessageContaining("vae_decoder/model.onnx")
        .hasMessageContaining("Found: readme.txt unet/");
  }

  @Test
  void indexWithoutClassName(@TempDir Path dir) throws Exception {
    for (String f : new String[] {"scheduler/scheduler_config.json", "text_encoder/model.onnx", "unet/model.onnx",
        "vae_decoder/model.onnx", "tokenizer/tokenizer.json"}) {
      Files.createDirectories(dir.resolve(f).getParent());
      Files.writeString(dir.resolve(f), "{}");
    }
    Files.writeString(dir.resolve("model_index.json"), "{\"unet\": [\"diffusers\", \"UNet2DConditionModel\"]}");
    assertThatThrownBy(() -> ModelFolder.inspect(dir)).hasMessageContaining("has no \"_class_name\"");
    Files.writeString(dir.resolve("model_index.json"), "{\"_class_name\": \"StableDiffusionXLPipeline\"}");
    assertThatThrownBy(() -> ModelFolder.inspect(dir)).hasMessageContaining("no text_encoder_2/model.onnx");
    Files.writeString(dir.resolve("model_index.json"), "{not json");
    assertThatThrownBy(() -> ModelFolder.inspect(dir)).hasMessageContaining("Could not read")
        .hasMessageContaining("model_index.json");
  }
}
