package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.diffuse4j.api.pipeline.InvalidModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real exports with one part wrong (another part's graph in its place, a broken config): loading
 * fails with an {@link InvalidModelException} naming the file and the input or output at fault,
 * never another exception. The diffusers-script folder declares every axis dynamic (batch,
 * channels, height, width, sequence), so no check can lean on declared shapes.
 */
class RealExportsCorruptFoldersTest {

  private static Path copy(String family, String exporter, Path dir) throws Exception {
    HostileModelFilesTest.copyTree(RealExportsTest.root().resolve(family).resolve(exporter), dir);
    return dir;
  }

  private static void replace(Path dir, String part, Path with) throws IOException {
    Files.copy(with, dir.resolve(part).resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
  }

  private static InvalidModelException load(Path dir) {
    Throwable t = catchThrowable(() -> Diffusion.builder().model(dir).warnings(w -> { }).load().close());
    assertThat(t).as("loading " + dir).isInstanceOf(InvalidModelException.class);
    return (InvalidModelException) t;
  }

  private static Path part(String family, String exporter, String part) {
    return RealExportsTest.root().resolve(family).resolve(exporter).resolve(part).resolve("model.onnx");
  }

  @Test
  void unetWithoutItsInputsNamesTheFileAndTheInput(@TempDir Path tmp) throws Exception {
    Path dir = copy("sd15", "diffusers-script", tmp);
    Files.delete(dir.resolve("unet/weights.pb"));
    replace(dir, "unet", part("sd15", "diffusers-script", "vae_decoder"));
    InvalidModelException e = load(dir);
    assertThat(e.file()).isEqualTo(dir.resolve("unet/model.onnx"));
    assertThat(e.getMessage()).contains(dir.resolve("unet/model.onnx").toString()).contains("no input 'sample'")
        .contains("latent_sample");
  }

  @Test
  void vaeDecoderWithImageChannelsNamesTheLatentInput(@TempDir Path tmp) throws Exception {
    Path dir = copy("sd15", "diffusers-script", tmp);
    replace(dir, "vae_decoder", part("sd15", "diffusers-script", "vae_encoder"));
    InvalidModelException e = load(dir);
    assertThat(e.file()).isEqualTo(dir.resolve("vae_decoder/model.onnx"));
    assertThat(e.getMessage()).contains("input 'sample'").contains("3 channels");
  }

  @Test
  void textEncoderWithoutInputIdsNamesTheFileAndTheInput(@TempDir Path tmp) throws Exception {
    Path dir = copy("sd15", "diffusers-script", tmp);
    replace(dir, "text_encoder", part("sd15", "diffusers-script", "vae_encoder"));
    InvalidModelException e = load(dir);
    assertThat(e.file()).isEqualTo(dir.resolve("text_encoder/model.onnx"));
    assertThat(e.getMessage()).contains("input_ids");
  }

  @Test
  void unetOfAnotherFamilyNamesWhatDoesNotFit(@TempDir Path tmp) throws Exception {
    Path dir = copy("sd15", "optimum-1.23.3", tmp);
    replace(dir, "unet", part("sdxl", "optimum-1.23.3", "unet"));
    InvalidModelException e = load(dir);
    assertThat(e.getMessage()).contains("unet").containsAnyOf("text_embeds", "time_ids", "encoder_hidden_states");
  }

  @Test
  void brokenSchedulerConfigNamesTheFile(@TempDir Path tmp) throws Exception {
    Path dir = copy("sd15", "optimum-1.19.2", tmp);
    Path cfg = dir.resolve("scheduler/scheduler_config.json");
    Files.writeString(cfg, Files.readString(cfg).substring(0, 40));
    InvalidModelException e = load(dir);
    assertThat(e.file()).isEqualTo(cfg);
  }

  @Test
  void unknownSchedulerClassNamesTheFileAndTheClass(@TempDir Path tmp) throws Exception {
    Path dir = copy("sd15", "optimum-1.19.2", tmp);
    Path cfg = dir.resolve("scheduler/scheduler_config.json");
    Files.writeString(cfg, Files.readString(cfg).replace("PNDMScheduler", "NoSuchScheduler"));
    InvalidModelException e = load(dir);
    assertThat(e.file()).isEqualTo(cfg);
    assertThat(e.getMessage()).contains("NoSuchScheduler").contains("PNDMScheduler");
  }

  @Test
  void brokenModelIndexNamesTheFile(@TempDir Path tmp) throws Exception {
    Path dir = copy("sd15", "optimum-1.23.3", tmp);
    Path index = dir.resolve("model_index.json");
    Files.writeString(index, "{\"_class_name\": [");
    InvalidModelException e = load(dir);
    assertThat(e.file()).isEqualTo(index);
  }

  @Test
  void vaeConfigWithTheWrongLatentChannelsNamesTheFile(@TempDir Path tmp) throws Exception {
    Path dir = copy("sd15", "optimum-1.19.2", tmp);
    Path cfg = dir.resolve("vae_decoder/config.json");
    Files.writeString(cfg, Files.readString(cfg).replace("\"latent_channels\": 4", "\"latent_channels\": 8"));
    InvalidModelException e = load(dir);
    assertThat(e.getMessage()).contains("vae_decoder");
  }
}
