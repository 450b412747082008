package io.diffuse4j.unet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.model.Denoiser;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.OnnxSessionFactory;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OnnxUNetTest {

  private static final Path MODELS = Path.of("..", "test-models").toAbsolutePath().normalize();
  private final OnnxDenoiserLoader loader = new OnnxDenoiserLoader(new OnnxSessionFactory(RuntimeOptions.defaults(),
      w -> { }));

  private static FloatTensor random(Random r, int... shape) {
    FloatTensor t = FloatTensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) r.nextGaussian();
    }
    return t;
  }

  @Test
  void readsTheSignatureAndProbesTheDownsampling() {
    try (Denoiser unet = loader.load(MODELS.resolve("sd15-tiny"))) {
      var info = unet.info();
      assertThat(info.inChannels()).isEqualTo(4);
      assertThat(info.outChannels()).isEqualTo(4);
      assertThat(info.crossAttentionDim()).isEqualTo(32);
      assertThat(info.downsampleFactor()).isEqualTo(2); // no unet/config.json: found by probing
      assertThat(info.maxBatch()).isEqualTo(Integer.MAX_VALUE);
    }
    try (Denoiser unet = loader.load(MODELS.resolve("sd15-tiny-optimum"))) {
      assertThat(unet.info().downsampleFactor()).isEqualTo(2); // from block_out_channels
      assertThat(unet.info().sampleSize()).isEqualTo(8);
      assertThat(((OnnxUNet) unet).integerTimestep()).isTrue();
    }
  }

  @Test
  void fixedBatchExportsAreSplitAndGiveTheSameResult() {
    Random r = new Random(1);
    FloatTensor x = random(r, 2, 4, 8, 8);
    FloatTensor h = random(r, 2, 77, 32);
    try (Denoiser dyn = loader.load(MODELS.resolve("sd15-tiny"));
        Denoiser one = loader.load(MODELS.resolve("sd15-tiny-batch1"));
        Denoiser int64 = loader.load(MODELS.resolve("sd15-tiny-optimum"))) {
      assertThat(one.info().maxBatch()).isEqualTo(1);
      FloatTensor a = dyn.predict(x, 501, Conditioning.of(h));
      FloatTensor b = one.predict(x, 501, Conditioning.of(h));
      FloatTensor c = int64.predict(x, 501, Conditioning.of(h));
      assertThat(a.shape()).containsExactly(2, 4, 8, 8);
      for (int i = 0; i < a.size(); i++) {
        assertThat(b.data()[i]).isCloseTo(a.data()[i], org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(c.data()[i]).isCloseTo(a.data()[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
      FloatTensor other = dyn.predict(x, 900, Conditioning.of(h));
      assertThat(other).isNotEqualTo(a);
    }
  }

  @Test
  void missingExtraInputsAreNamed() {
    try (Denoiser xl = loader.load(MODELS.resolve("sdxl-tiny"))) {
      assertThat(xl.info().textEmbedsDim()).isEqualTo(40);
      assertThatThrownBy(() -> xl.predict(FloatTensor.zeros(1, 4, 8, 8), 1, Conditioning.of(FloatTensor.zeros(1, 77,
          80)))).isInstanceOf(DiffusionException.class).hasMessageContaining("text_embeds");
    }
  }
}
