package io.diffuse4j.vae;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.model.LatentDistribution;
import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.OnnxSessionFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OnnxVaeTest {

  private static final Path MODELS = Path.of("..", "test-models").toAbsolutePath().normalize();
  private final OnnxVaeLoader loader = new OnnxVaeLoader(new OnnxSessionFactory(RuntimeOptions.defaults(), w -> { }));

  @Test
  void decoderFactorAndScalingFromConfigOrProbe() {
    try (VaeDecoder probed = loader.loadDecoder(MODELS.resolve("sd15-tiny"));
        VaeDecoder xl = loader.loadDecoder(MODELS.resolve("sdxl-tiny"))) {
      assertThat(probed.scaleFactor()).isEqualTo(8);
      assertThat(probed.scalingFactor()).isEqualTo(OnnxVaeLoader.DEFAULT_SCALING_FACTOR);
      assertThat(xl.scalingFactor()).isEqualTo(0.13025);
      FloatTensor img = probed.decode(FloatTensor.zeros(2, 4, 4, 6));
      assertThat(img.shape()).containsExactly(2, 3, 32, 48);
    }
  }

  @Test
  void latentParametersSplitIntoMeanAndLogVariance() {
    FloatTensor image = FloatTensor.zeros(1, 3, 64, 64);
    for (int i = 0; i < image.size(); i++) {
      image.data()[i] = (float) Math.sin(i * 0.01);
    }
    try (VaeEncoder sample = loader.loadEncoder(MODELS.resolve("sd15-tiny")).orElseThrow();
        VaeEncoder params = loader.loadEncoder(MODELS.resolve("sd15-tiny-optimum")).orElseThrow()) {
      LatentDistribution a = sample.encode(image);
      LatentDistribution b = params.encode(image);
      assertThat(a.logVariance()).isNull();
      assertThat(b.logVariance()).isNotNull();
      assertThat(b.mean().shape()).containsExactly(1, 4, 8, 8);
      assertThat(b.mean()).isEqualTo(a.mean()); // same weights: latent_sample is the mean
    }
  }
}
