package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;

/**
 * Denoising Diffusion Implicit Models (Song et al., 2020, https://arxiv.org/abs/2010.02502),
 * equal to diffusers' {@code DDIMScheduler}. Config keys and defaults as diffusers'
 * {@code __init__}: num_train_timesteps 1000, beta_start 0.0001, beta_end 0.02, beta_schedule
 * linear, trained_betas, clip_sample true, set_alpha_to_one true, steps_offset 0, prediction_type
 * epsilon, thresholding false, dynamic_thresholding_ratio 0.995, clip_sample_range 1.0,
 * sample_max_value 1.0, timestep_spacing leading, rescale_betas_zero_snr false. Eta comes from
 * the {@link StepContext}. Not thread-safe: one instance per run.
 */
public final class DdimScheduler extends AlphaProductScheduler {

  /** The diffusers class name. */
  public static final String CLASS_NAME = "DDIMScheduler";

  private final float finalAlphaCumprod;

  /** A scheduler from a config (of this or another class: unknown keys are kept, missing ones default). */
  public DdimScheduler(SchedulerConfig source) {
    this(new ConfigReader(source, CLASS_NAME));
  }

  private DdimScheduler(ConfigReader r) {
    super(r, CLASS_NAME, "linear", "scaled_linear", "squaredcos_cap_v2");
    boolean setAlphaToOne = r.bool("set_alpha_to_one", true);
    finalAlphaCumprod = setAlphaToOne ? 1f : alphasCumprod[0];
    config = r.effectiveConfig();
  }

  @Override
  public FloatTensor step(FloatTensor modelOutput, double timestep, FloatTensor sample, StepContext ctx) {
    if (numInferenceSteps == 0) {
      throw new IllegalStateException(CLASS_NAME + ": call setTimesteps before step");
    }
    Tensors.checkSameShape(modelOutput, sample, CLASS_NAME);
    int t = (int) timestep;
    // 1. previous timestep (= t - T / N)
    int prevT = t - numTrain / numInferenceSteps;
    // 2. alphas and betas
    float alphaProdT = alphaAt(t);
    float alphaProdTPrev = prevT >= 0 ? alphasCumprod[prevT] : finalAlphaCumprod;
    float betaProdT = 1 - alphaProdT;
    float sqrtA = (float) Math.sqrt(alphaProdT);
    float sqrtB = (float) Math.sqrt(betaProdT);
    float[] x = sample.data();
    float[] m = modelOutput.data();
    int n = x.length;
    // 3. predicted noise and predicted original sample x_0 of formula (12), clipped or thresholded (4.)
    float[] eps = new float[n];
    switch (predictionType) {
      case EPSILON -> System.arraycopy(m, 0, eps, 0, n);
      case SAMPLE -> {
        for (int i = 0; i < n; i++) {
          eps[i] = (x[i] - sqrtA * m[i]) / sqrtB;
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          eps[i] = sqrtA * m[i] + sqrtB * x[i];
        }
      }
    }
    float[] x0 = predictOriginal(x, m, alphaProdT, sample.dim(0));
    // 5. variance sigma_t(eta) of formula (16)
    float betaProdTPrev = 1 - alphaProdTPrev;
    float variance = (betaProdTPrev / betaProdT) * (1 - alphaProdT / alphaProdTPrev);
    float std = (float) (ctx.eta() * Math.sqrt(variance));
    // 6. "direction pointing to x_t" and x_{t-1} of formula (12)
    float dirCoef = (float) Math.sqrt(1 - alphaProdTPrev - std * std);
    float sqrtAPrev = (float) Math.sqrt(alphaProdTPrev);
    float[] prev = new float[n];
    for (int i = 0; i < n; i++) {
      prev[i] = sqrtAPrev * x0[i] + dirCoef * eps[i];
    }
    if (ctx.eta() > 0) {
      float[] z = ctx.noise().randn(modelOutput.shape()).data();
      for (int i = 0; i < n; i++) {
        prev[i] += std * z[i];
      }
    }
    return sample.withData(prev);
  }
}
