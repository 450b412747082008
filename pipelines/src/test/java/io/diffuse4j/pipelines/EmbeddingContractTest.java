package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.Cancellation;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.StepEvent;
import io.diffuse4j.api.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What an application embedding diffuse4j may rely on: batches that reproduce, no JVM-wide side effects. */
class EmbeddingContractTest {

  private static Map<String, String> properties() {
    Map<String, String> m = new TreeMap<>();
    System.getProperties().stringPropertyNames().forEach(k -> m.put(k, System.getProperty(k)));
    return m;
  }

  static int maxChannelDiff(BufferedImage a, BufferedImage b) {
    int max = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int sh = 0; sh <= 16; sh += 8) {
          max = Math.max(max, Math.abs(((p >> sh) & 0xFF) - ((q >> sh) & 0xFF)));
        }
      }
    }
    return max;
  }

  @ParameterizedTest
  @ValueSource(strings = {"euler-a", "ddim"})
  void imageKOfABatchWithPerImageSeedsIsTheSingleImageWithSeedK(String scheduler) {
    long[] seeds = {11, 222, 3333, 44444};
    try (DiffusionPipeline sd = Diffusion.builder().model(TestModels.dir("sd15-tiny")).warnings(w -> { }).load()) {
      GenerationRequest.Builder base = GenerationRequest.builder("a red circle").steps(3).scheduler(scheduler)
          .size(64, 64);
      GenerationResult batch = sd.generate(base.seeds(seeds).build());
      assertThat(batch.images()).hasSize(4);
      for (int k = 0; k < seeds.length; k++) {
        GenerationResult single = sd.generate(base.seed(seeds[k]).numImages(1).build());
        assertThat(batch.images().get(k).parameters().seed()).isEqualTo(seeds[k]);
        assertThat(maxChannelDiff(batch.images().get(k).image(), single.first().image()))
            .as("image %d (seed %d) against its single run", k, seeds[k]).isLessThanOrEqualTo(1);
      }
      assertThat(maxChannelDiff(batch.images().get(0).image(), batch.images().get(1).image())).isGreaterThan(1);
    }
  }

  @Test
  void stepCallbackMayReplaceTheLatentsAndEveryImageHasPreviews() {
    try (DiffusionPipeline sd = Diffusion.builder().model(TestModels.dir("sd15-tiny")).warnings(w -> { }).load()) {
      GenerationRequest req = GenerationRequest.builder("a red circle").steps(3).scheduler("ddim").size(64, 64)
          .seeds(5, 6).build();
      BufferedImage plain = sd.generate(req).images().get(1).image();
      List<Integer> previewCounts = new ArrayList<>();
      ProgressListener copying = new ProgressListener() {
        @Override
        public void onStep(StepEvent e) {
          previewCounts.add(e.previews().size());
        }

        @Override
        public boolean wantsPreviews() {
          return true;
        }

        @Override
        public FloatTensor onStepEnd(StepEvent e) {
          return e.latents().copy();
        }
      };
      assertThat(maxChannelDiff(sd.generate(req, copying, Cancellation.NONE).images().get(1).image(), plain)).isZero();
      assertThat(previewCounts).containsExactly(2, 2, 2);
      ProgressListener zeroing = new ProgressListener() {
        @Override
        public void onStep(StepEvent e) { }

        @Override
        public FloatTensor onStepEnd(StepEvent e) {
          return e.step() == e.totalSteps() - 1 ? FloatTensor.zeros(e.latents().shape()) : e.latents();
        }
      };
      BufferedImage zeroed = sd.generate(req, zeroing, Cancellation.NONE).images().get(1).image();
      BufferedImage zeroedOther = sd.generate(req.toBuilder().seeds(7, 8).build(), zeroing, Cancellation.NONE)
          .images().get(0).image();
      assertThat(maxChannelDiff(zeroed, plain)).isGreaterThan(1);
      assertThat(maxChannelDiff(zeroed, zeroedOther)).as("decoded from the same zero latents").isZero();
      ProgressListener wrongShape = new ProgressListener() {
        @Override
        public void onStep(StepEvent e) { }

        @Override
        public FloatTensor onStepEnd(StepEvent e) {
          return FloatTensor.zeros(1, 4, 8, 8);
        }
      };
      assertThatThrownBy(() -> sd.generate(req, wrongShape, Cancellation.NONE))
          .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("listener"))
          .hasMessageContaining("onStepEnd");
    }
  }

  @Test
  void loadGenerateAndCloseLeaveSystemPropertiesAsTheyWere() {
    Map<String, String> before = properties();
    GenerationResult r;
    try (DiffusionPipeline sd = Diffusion.builder().warnings(w -> { }).load()) {
      r = sd.generate(GenerationRequest.builder("a red circle on a blue background").steps(2).build());
    }
    assertThat(r.images()).hasSize(1);
    assertThat(properties()).isEqualTo(before);
  }
}
