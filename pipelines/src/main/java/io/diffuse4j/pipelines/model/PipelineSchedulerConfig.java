package io.diffuse4j.pipelines.model;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import java.util.Set;

/**
 * The scheduler config as diffusers' pipelines use it, not only as {@code scheduler_config.json}
 * says: {@code StableDiffusionPipeline.__init__} (and its img2img twin) rewrite an outdated config,
 * {@code steps_offset} to 1 and {@code clip_sample} to false, and
 * {@code StableDiffusionInpaintPipeline.__init__} rewrites {@code steps_offset} to 1 and
 * {@code skip_prk_steps} to true, each only where the folder's scheduler class has that setting
 * (diffusers' {@code hasattr(scheduler.config, ...)}, whose value is the class default when the
 * file leaves it out). A scheduler picked by name is then made from the rewritten config, as
 * diffusers' {@code X.from_config(pipe.scheduler.config)}. The SDXL and latent-consistency pipelines
 * rewrite nothing. Folders written by diffusers' own {@code save_pretrained} from a current pipeline
 * already hold these values; the rewrite matters for older or hand-made configs. Stateless.
 */
public final class PipelineSchedulerConfig {

  /** diffusers' scheduler classes with a {@code steps_offset} argument (all the common ones). */
  private static final Set<String> STEPS_OFFSET = Set.of("DDIMScheduler", "DDPMScheduler", "PNDMScheduler",
      "LMSDiscreteScheduler", "EulerDiscreteScheduler", "EulerAncestralDiscreteScheduler", "HeunDiscreteScheduler",
      "DPMSolverMultistepScheduler", "DPMSolverSinglestepScheduler", "UniPCMultistepScheduler", "LCMScheduler",
      "KDPM2DiscreteScheduler", "KDPM2AncestralDiscreteScheduler", "DEISMultistepScheduler", "TCDScheduler");
  /** Classes with a {@code clip_sample} argument whose default is true. */
  private static final Set<String> CLIP_SAMPLE_TRUE = Set.of("DDIMScheduler", "DDPMScheduler");
  /** Classes with a {@code clip_sample} argument whose default is false. */
  private static final Set<String> CLIP_SAMPLE_FALSE = Set.of("LCMScheduler", "HeunDiscreteScheduler",
      "TCDScheduler");

  private PipelineSchedulerConfig() {}

  /**
   * The config the diffusers pipeline for this request would hold.
   *
   * @param config the folder's {@code scheduler_config.json}
   * @param family the detected family
   * @param inpaintingUnet whether the U-Net takes mask channels (its pipeline is the inpainting one)
   * @param inpainting whether the request paints into a mask ({@code StableDiffusionInpaintPipeline}
   *     built from the folder's components)
   */
  public static SchedulerConfig of(SchedulerConfig config, ModelFamily family, boolean inpaintingUnet,
      boolean inpainting) {
    if (family == ModelFamily.SDXL || family == ModelFamily.SDXL_TURBO || family == ModelFamily.LCM) {
      return config;
    }
    String cls = config.className();
    SchedulerConfig c = config;
    if ((config.has("steps_offset") || STEPS_OFFSET.contains(cls)) && number(config, "steps_offset", 0) != 1) {
      c = c.with("steps_offset", 1);
    }
    if (!inpaintingUnet) { // the folder's own pipeline is StableDiffusionPipeline
      boolean has = config.has("clip_sample") || CLIP_SAMPLE_TRUE.contains(cls) || CLIP_SAMPLE_FALSE.contains(cls);
      Object clip = config.get("clip_sample");
      boolean on = clip == null ? CLIP_SAMPLE_TRUE.contains(cls) : Boolean.TRUE.equals(clip);
      if (has && on) {
        c = c.with("clip_sample", false);
      }
    }
    if (inpaintingUnet || inpainting) {
      boolean has = config.has("skip_prk_steps") || "PNDMScheduler".equals(cls);
      if (has && !Boolean.TRUE.equals(config.get("skip_prk_steps"))) {
        c = c.with("skip_prk_steps", true);
      }
    }
    return c;
  }

  private static double number(SchedulerConfig c, String key, double dflt) {
    Object v = c.get(key);
    return v instanceof Number n ? n.doubleValue() : dflt;
  }
}
