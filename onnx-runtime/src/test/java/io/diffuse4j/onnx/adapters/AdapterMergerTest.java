package io.diffuse4j.onnx.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.OnnxSessionFactory;
import io.diffuse4j.onnx.TensorValue;
import io.diffuse4j.onnx.graph.OnnxGraph;
import io.diffuse4j.onnx.safetensors.SafetensorsFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA files (tools/fixtures/make_adapter_fixtures.py) merged into the base model's sessions give
 * the outputs of the model whose weights PyTorch merged.
 */
class AdapterMergerTest {

  static final Path MODELS = Path.of("..", "test-models").toAbsolutePath().normalize();
  static final Path ADAPTERS = MODELS.resolve("adapters");
  private final OnnxSessionFactory factory = new OnnxSessionFactory(RuntimeOptions.defaults(), w -> { });

  private static WeightIndex index(String model, String part) {
    return new WeightIndex(OnnxGraph.read(MODELS.resolve(model).resolve(part).resolve("model.onnx")));
  }

  FloatTensor runUnetPublic(Path f, List<WeightOverride> o) { return runUnet(f, o); }
  static double maxDiffPublic(FloatTensor a, FloatTensor b) { return maxDiff(a, b); }

  private FloatTensor runUnet(Path file, List<WeightOverride> overrides) {
    Random r = new Random(3);
    float[] x = new float[2 * 4 * 8 * 8];
    float[] ctx = new float[2 * 77 * 32];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < ctx.length; i++) {
      ctx[i] = (float) r.nextGaussian();
    }
    try (OnnxModel m = factory.open(file, "unet", overrides)) {
      return m.run(Map.of("sample", TensorValue.of(FloatTensor.of(x, 2, 4, 8, 8)),
          "timestep", TensorValue.of(FloatTensor.of(new float[] {500, 500}, 2)),
          "encoder_hidden_states", TensorValue.of(FloatTensor.of(ctx, 2, 77, 32))), Set.of("out_sample"))
          .get("out_sample");
    }
  }

  private static double maxDiff(FloatTensor a, FloatTensor b) {
    double m = 0;
    for (int i = 0; i < a.size(); i++) {
      m = Math.max(m, Math.abs(a.data()[i] - b.data()[i]));
    }
    return m;
  }

  @Test
  void kohyaAndPeftLayoutsMergeAsPyTorchDoes() {
    Path base = MODELS.resolve("sd15-tiny/unet/model.onnx");
    FloatTensor plain = runUnet(base, List.of());
    for (double scale : new double[] {0.5, 1.0}) {
      FloatTensor reference = runUnet(ADAPTERS.resolve("sd15-tiny-merged-a-" + scale + "/unet/model.onnx"), List.of());
      assertThat(maxDiff(plain, reference)).as("the LoRA changes the U-Net").isGreaterThan(1e-2);
      for (String layout : new String[] {"kohya", "peft"}) {
        LoraFile lora = LoraFile.read(ADAPTERS.resolve("sd15-a-" + layout + ".safetensors"));
        AdapterMerger.Result r = AdapterMerger.merge(Map.of("unet", index("sd15-tiny", "unet"),
            "text_encoder", index("sd15-tiny", "text_encoder")), List.of(new AdapterMerger.LoraUse(lora, scale)), List.of());
        assertThat(r.warnings()).isEmpty();
        assertThat(r.mergedLayers()).isEqualTo(6);
        assertThat(r.overrides().get("unet")).hasSize(5);
        assertThat(maxDiff(runUnet(base, r.overrides().get("unet")), reference)).as(layout + " " + scale)
            .isLessThan(1e-4);
      }
    }
  }

  @Test
  void externalDataWeightsAreReplacedToo() {
    LoraFile lora = LoraFile.read(ADAPTERS.resolve("sd15-a-kohya.safetensors"));
    AdapterMerger.Result r = AdapterMerger.merge(Map.of("unet", index("sd15-tiny-external", "unet")),
        List.of(new AdapterMerger.LoraUse(lora, 1.0)), List.of());
    assertThat(r.overrides().get("unet")).allMatch(WeightOverride::replacesExternal);
    FloatTensor reference = runUnet(ADAPTERS.resolve("sd15-tiny-merged-a-1.0/unet/model.onnx"), List.of());
    assertThat(maxDiff(runUnet(MODELS.resolve("sd15-tiny-external/unet/model.onnx"), r.overrides().get("unet")),
        reference)).isLessThan(1e-4);
    assertThat(String.join("\n", r.warnings())).contains("layers_0_out_proj"); // no text encoder given: reported
  }

  @Test
  void unmatchedAndUnsupportedKeysAreReported() {
    LoraFile lora = LoraFile.read(ADAPTERS.resolve("sd15-a-unmatched.safetensors"));
    AdapterMerger.Result r = AdapterMerger.merge(Map.of("unet", index("sd15-tiny", "unet"),
        "text_encoder", index("sd15-tiny", "text_encoder")), List.of(new AdapterMerger.LoraUse(lora, 1.0)), List.of());
    assertThat(r.mergedLayers()).isEqualTo(6);
    assertThat(String.join("\n", r.warnings())).contains("lora_unet_no_such_block_proj").contains("lora_unet_k.hada_w1_a");
  }

  @Test
  void aLoraForAnotherModelIsRefused() {
    LoraFile lora = LoraFile.read(ADAPTERS.resolve("sdxl-a-kohya.safetensors"));
    assertThatThrownBy(() -> AdapterMerger.merge(Map.of("unet", index("sd15-tiny", "unet"),
        "text_encoder", index("sd15-tiny", "text_encoder")), List.of(new AdapterMerger.LoraUse(lora, 1.0)), List.of()))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("sdxl-a-kohya.safetensors")
        .hasMessageContaining("do not fit");
  }

  @Test
  void picklesAndBrokenHeadersAreRefused(@TempDir Path dir) throws Exception {
    Path ckpt = dir.resolve("style.ckpt");
    Files.write(ckpt, new byte[] {(byte) 0x80, 2, 'c'});
    assertThatThrownBy(() -> LoraFile.read(ckpt)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("pickled").hasMessageContaining("runs any code");
    Path disguised = dir.resolve("style.safetensors");
    Files.write(disguised, new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0});
    assertThatThrownBy(() -> SafetensorsFile.open(disguised)).hasMessageContaining("pickled");
    Path huge = dir.resolve("huge.safetensors");
    Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
    assertThatThrownBy(() -> SafetensorsFile.open(huge)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("header length");
    byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,64]}}".getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + 16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header);
    Path shortFile = dir.resolve("short.safetensors");
    Files.write(shortFile, b.array());
    assertThatThrownBy(() -> SafetensorsFile.open(shortFile)).hasMessageContaining("truncated or corrupt");
  }
}
