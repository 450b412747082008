package io.diffuse4j.pipelines.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rewrites of diffusers v0.31.0's pipeline constructors ({@code StableDiffusionPipeline.__init__}:
 * steps_offset and clip_sample; {@code StableDiffusionInpaintPipeline.__init__}: steps_offset and
 * skip_prk_steps; none in the SDXL and LCM pipelines), checked against what those constructors do
 * with the same configs.
 */
class PipelineSchedulerConfigTest {

  private static SchedulerConfig ddimDefaults() {
    return SchedulerConfig.of("DDIMScheduler", Map.of("beta_schedule", "scaled_linear"));
  }

  @Test
  void stableDiffusionRewritesOutdatedStepsOffsetAndClipSampleOfTheClassDefaults() {
    SchedulerConfig c = PipelineSchedulerConfig.of(ddimDefaults(), ModelFamily.SD1, false, false);
    assertThat(c.get("steps_offset")).isEqualTo(1);
    assertThat(c.get("clip_sample")).isEqualTo(false);
    assertThat(c.has("skip_prk_steps")).isFalse();
  }

  @Test
  void explicitValuesAreRewrittenAndCurrentOnesKept() {
    SchedulerConfig old = SchedulerConfig.of("DDPMScheduler", Map.of("steps_offset", 0, "clip_sample", true));
    SchedulerConfig c = PipelineSchedulerConfig.of(old, ModelFamily.SD2, false, false);
    assertThat(c.values()).containsEntry("steps_offset", 1).containsEntry("clip_sample", false);
    SchedulerConfig current = SchedulerConfig.of("DDIMScheduler", Map.of("steps_offset", 1, "clip_sample", false));
    assertThat(PipelineSchedulerConfig.of(current, ModelFamily.SD1, false, false)).isEqualTo(current);
  }

  @Test
  void schedulersWithoutTheSettingGetNone() {
    // PNDM has no clip_sample (hasattr is false): a DDIM made from it later keeps DDIM's default
    SchedulerConfig pndm = SchedulerConfig.of("PNDMScheduler", Map.of("steps_offset", 1, "skip_prk_steps", false));
    assertThat(PipelineSchedulerConfig.of(pndm, ModelFamily.SD1, false, false)).isEqualTo(pndm);
    SchedulerConfig euler = SchedulerConfig.of("EulerDiscreteScheduler", Map.of("steps_offset", 1));
    assertThat(PipelineSchedulerConfig.of(euler, ModelFamily.TURBO, false, true)).isEqualTo(euler);
  }

  @Test
  void inpaintingSkipsThePrkWarmUpButKeepsClipSampleOfANineChannelModel() {
    SchedulerConfig pndm = SchedulerConfig.of("PNDMScheduler", Map.of("steps_offset", 0));
    SchedulerConfig c = PipelineSchedulerConfig.of(pndm, ModelFamily.SD1, false, true);
    assertThat(c.values()).containsEntry("skip_prk_steps", true).containsEntry("steps_offset", 1);
    SchedulerConfig nine = PipelineSchedulerConfig.of(ddimDefaults(), ModelFamily.SD1, true, true);
    assertThat(nine.has("clip_sample")).isFalse(); // StableDiffusionInpaintPipeline leaves clip_sample alone
    assertThat(nine.get("steps_offset")).isEqualTo(1);
  }

  @Test
  void sdxlAndLcmPipelinesRewriteNothing() {
    for (ModelFamily f : new ModelFamily[] {ModelFamily.SDXL, ModelFamily.SDXL_TURBO, ModelFamily.LCM}) {
      assertThat(PipelineSchedulerConfig.of(ddimDefaults(), f, false, true)).isEqualTo(ddimDefaults());
    }
  }
}
