package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.InvalidModelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model folders a hostile file system hands over (issue #13): each a clear error naming the file. */
class HostileModelFilesTest {

  static final Path MODELS = Path.of("..", "test-models").toAbsolutePath().normalize();

  static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  static Path copy(Path dir, String model) throws Exception {
    Path m = dir.resolve(model);
    copyTree(MODELS.resolve(model), m);
    return m;
  }

  @Test
  void vaeBlockOutChannelsEmptyOrHugeIsRefused(@TempDir Path dir) throws Exception {
    Path m = copy(dir, "sd15-tiny-optimum");
    Path config = m.resolve("vae_decoder/config.json");
    String original = Files.readString(config);
    assertThat(original).contains("block_out_channels");
    for (String blocks : new String[] {"[]", "[" + "32,".repeat(31) + "32]"}) {
      Files.writeString(config, original.replaceAll("\"block_out_channels\"\\s*:\\s*\\[[^\\]]*\\]",
          "\"block_out_channels\": " + blocks));
      assertThatThrownBy(() -> Diffusion.load(m)).as(blocks).isInstanceOf(InvalidModelException.class)
          .hasMessageContaining("vae_decoder").hasMessageContaining("block_out_channels");
    }
  }

  @Test
  void nonFiniteDefaultsAreRefused(@TempDir Path dir) throws Exception {
    Path m = copy(dir, "sd15-tiny");
    for (String v : new String[] {"NaN", "Infinity", "-Infinity"}) {
      Files.writeString(m.resolve("diffuse4j.json"), "{\"guidance_scale\": " + v + "}");
      assertThatThrownBy(() -> Diffusion.load(m)).as(v).isInstanceOf(InvalidModelException.class)
          .hasMessageContaining("diffuse4j.json").hasMessageContaining("guidance_scale");
    }
  }

  @Test
  void malformedConfigAndTokenizerFilesNameTheFile(@TempDir Path dir) throws Exception {
    Path m = copy(dir, "sd15-tiny");
    Path index = m.resolve("model_index.json");
    String good = Files.readString(index);
    Files.writeString(index, "[".repeat(50_000));
    assertThatThrownBy(() -> Diffusion.load(m)).isInstanceOf(DiffusionException.class)
        .hasMessageContaining("model_index.json");
    Files.write(index, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'});
    assertThatThrownBy(() -> Diffusion.load(m)).isInstanceOf(DiffusionException.class)
        .hasMessageContaining("model_index.json");
    Files.write(index, new byte[(int) io.diffuse4j.onnx.ModelConfigs.MAX_FILE_BYTES + 1]);
    assertThatThrownBy(() -> Diffusion.load(m)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("model_index.json").hasMessageContaining("bytes");
    Files.writeString(index, good);
    Path tok = m.resolve("tokenizer/tokenizer.json");
    Files.writeString(tok, "{\"model\": " + "[".repeat(20_000));
    assertThatThrownBy(() -> Diffusion.load(m)).hasMessageContaining("tokenizer.json")
        .isNotInstanceOf(NullPointerException.class);
    Files.write(tok, new byte[] {'{', (byte) 0xFF, '}'});
    assertThatThrownBy(() -> Diffusion.load(m)).hasMessageContaining("tokenizer.json");
    Path sched = m.resolve("scheduler/scheduler_config.json");
    Files.writeString(sched, Files.readString(MODELS.resolve("sd15-tiny/scheduler/scheduler_config.json"))
        .replace("\"num_train_timesteps\": 1000", "\"num_train_timesteps\": 1e9"));
    Files.copy(MODELS.resolve("sd15-tiny/tokenizer/tokenizer.json"), tok, StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> Diffusion.load(m).generate(
        io.diffuse4j.api.pipeline.GenerationRequest.builder("x").steps(2).size(64, 64).build()))
        .hasMessageContaining("num_train_timesteps").hasMessageContaining("100000");
  }

  @Test
  void emptyTruncatedAndSwappedPartsNameTheFile(@TempDir Path dir) throws Exception {
    Path m = copy(dir, "sd15-tiny");
    Path unet = m.resolve("unet/model.onnx");
    byte[] good = Files.readAllBytes(unet);
    Files.write(unet, new byte[0]);
    assertThatThrownBy(() -> Diffusion.load(m)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("unet").hasMessageContaining("empty");
    Files.write(unet, java.util.Arrays.copyOf(good, good.length / 3));
    assertThatThrownBy(() -> Diffusion.load(m)).isInstanceOf(DiffusionException.class)
        .hasMessageContaining("unet/model.onnx");
    Files.write(unet, good);
    // the VAE decoder in the U-Net's slot
    Files.copy(m.resolve("vae_decoder/model.onnx"), unet, StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> Diffusion.load(m)).isInstanceOf(DiffusionException.class).hasMessageContaining("unet");
    Files.write(unet, "not an onnx model".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> Diffusion.load(m)).isInstanceOf(DiffusionException.class)
        .hasMessageContaining("unet/model.onnx");
  }
}
