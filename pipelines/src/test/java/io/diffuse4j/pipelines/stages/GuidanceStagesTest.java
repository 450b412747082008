package io.diffuse4j.pipelines.stages;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.Diffusion;
import io.diffuse4j.pipelines.StableDiffusionPipeline;
import io.diffuse4j.pipelines.model.LoadedModel;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The guidance and prompt-encoding stages pin diffusers' order: the U-Net batch is
 * {@code [uncond, cond]} (negative prompt first, as {@code encode_prompt} concatenates it) and
 * {@code ε = ε_uncond + w (ε_cond − ε_uncond)}; the LCM embedding equals diffusers'
 * {@code get_guidance_scale_embedding}.
 */
class GuidanceStagesTest {

  @Test
  void classifierFreeGuidanceTakesTheUnconditionalHalfFirst() {
    // [uncond | cond] = [1, 2 | 3, 5], w = 7.5: uncond + w (cond - uncond) = [16, 24.5]
    FloatTensor out = FloatTensor.of(new float[] {1f, 2f, 3f, 5f}, 2, 2);
    FloatTensor g = new ClassifierFreeGuidance(7.5).combine(out);
    assertThat(g.shape()).containsExactly(1, 2);
    assertThat(g.data()).containsExactly(16f, 24.5f);
  }

  @Test
  void classifierFreeGuidanceRunsBothHalvesOnTheSameLatents() {
    FloatTensor x = FloatTensor.of(new float[] {1f, 2f}, 1, 2);
    ClassifierFreeGuidance cfg = new ClassifierFreeGuidance(5);
    assertThat(cfg.needsUnconditional()).isTrue();
    assertThat(cfg.expand(x).data()).containsExactly(1f, 2f, 1f, 2f);
    assertThat(Guidance.NONE.needsUnconditional()).isFalse();
    assertThat(Guidance.NONE.expand(x)).isSameAs(x);
  }

  /**
   * Reference: diffusers 0.31.0 {@code LatentConsistencyModelPipeline.get_guidance_scale_embedding(
   * torch.tensor([8.0 - 1]), embedding_dim=8)} (float32), run with the project's Python environment.
   */
  @Test
  void lcmEmbeddingEqualsDiffusers() {
    float[] diffusers = {0.5068854093551636f, -0.9704722762107849f, 0.5866532921791077f, 0.6442176103591919f,
        0.8620134592056274f, -0.24121272563934326f, -0.8098382353782654f, 0.7648422122001648f};
    FloatTensor e = GuidanceEmbedding.embed(8.0 - 1, 8, 2);
    assertThat(e.shape()).containsExactly(2, 8);
    for (int i = 0; i < 8; i++) {
      assertThat(e.data()[i]).as("dim %d", i).isCloseTo(diffusers[i], org.assertj.core.data.Offset.offset(1e-6f));
      assertThat(e.data()[8 + i]).isEqualTo(e.data()[i]);
    }
  }

  @Test
  void promptEncoderPutsTheNegativePromptFirst() {
    Path dir = Path.of("..", "test-models", "sd15-tiny").toAbsolutePath().normalize();
    try (StableDiffusionPipeline p = (StableDiffusionPipeline) Diffusion.load(dir)) {
      LoadedModel m = p.loadedModel();
      PromptEncoder enc = PromptEncoder.forModel(m);
      Settings s = new Settings(2, 7.5, 64, 64, "ddim", 0L, java.util.List.of());
      GenerationRequest both = GenerationRequest.builder("a red circle").negativePrompt("a blue square").build();
      Conditioning c = enc.encode(both, s, true, new Warnings(ProgressListener.NONE));
      FloatTensor cond = enc.encode(both, s, false, new Warnings(ProgressListener.NONE)).encoderHiddenStates();
      GenerationRequest neg = GenerationRequest.builder("a blue square").build();
      FloatTensor uncond = enc.encode(neg, s, false, new Warnings(ProgressListener.NONE)).encoderHiddenStates();
      FloatTensor all = c.encoderHiddenStates();
      assertThat(all.dim(0)).isEqualTo(2);
      assertThat(all.slice(0).data()).as("first half: the negative prompt").containsExactly(uncond.slice(0).data());
      assertThat(all.slice(1).data()).as("second half: the prompt").containsExactly(cond.slice(0).data());
      assertThat(Arrays.equals(uncond.data(), cond.data())).as("the two prompts encode differently").isFalse();
    }
  }
}
