package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;

/**
 * Denoising Diffusion Probabilistic Models (Ho et al., 2020, https://arxiv.org/abs/2006.11239),
 * equal to diffusers' {@code DDPMScheduler}: ancestral sampling with variance_type fixed_small,
 * fixed_small_log, fixed_large, fixed_large_log, learned or learned_range (the learned ones take
 * a model output with twice the sample's channels). Draws its noise from the request's noise
 * source at every step with {@code t > 0}, as diffusers does. Defaults as diffusers'
 * {@code __init__}. Not thread-safe: one instance per run.
 */
public final class DdpmScheduler extends AlphaProductScheduler {

  /** The diffusers class name. */
  public static final String CLASS_NAME = "DDPMScheduler";

  private final String varianceType;

  /** A scheduler from a config (of this or another class: unknown keys are kept, missing ones default). */
  public DdpmScheduler(SchedulerConfig source) {
    this(new ConfigReader(source, CLASS_NAME));
  }

  private DdpmScheduler(ConfigReader r) {
    super(r, CLASS_NAME, "linear", "scaled_linear", "squaredcos_cap_v2", "sigmoid", "laplace");
    varianceType = r.choice("variance_type", "fixed_small", "fixed_small", "fixed_small_log", "fixed_large",
        "fixed_large_log", "learned", "learned_range");
    config = r.effectiveConfig();
  }

  /** diffusers' {@code previous_timestep}: the run's next timestep, -1 after the last. */
  private int previous(int t) {
    for (int i = 0; i < timesteps.length; i++) {
      if (timesteps[i] == t) {
        return i == timesteps.length - 1 ? -1 : (int) timesteps[i + 1];
      }
    }
    throw new IllegalArgumentException(CLASS_NAME + ": timestep " + t + " is not one of this run's timesteps "
        + "(call setTimesteps first)");
  }

  /** diffusers' {@code _get_variance} at {@code t} (whose previous timestep is {@code prevT}). */
  private float variance(int t, int prevT, float predicted) {
    float aT = alphaAt(t);
    float aPrev = prevT >= 0 ? alphasCumprod[prevT] : 1f;
    float beta = 1 - aT / aPrev;
    // formula (6) and (7) of https://arxiv.org/pdf/2006.11239.pdf
    float v = Math.max((1 - aPrev) / (1 - aT) * beta, 1e-20f);
    return switch (varianceType) {
      case "fixed_small" -> v;
      case "fixed_small_log" -> (float) Math.exp(0.5 * (float) Math.log(v));
      case "fixed_large" -> beta;
      case "fixed_large_log" -> (float) Math.log(beta);
      case "learned" -> predicted;
      default -> { // learned_range
        float minLog = (float) Math.log(v);
        float maxLog = (float) Math.log(beta);
        float frac = (predicted + 1) / 2;
        yield frac * maxLog + (1 - frac) * minLog;
      }
    };
  }

  /** The noise scale of a variance from {@link #variance}. */
  private float sigma(float v) {
    return switch (varianceType) {
      case "fixed_small_log" -> v;
      case "learned_range" -> (float) Math.exp(0.5 * v);
      default -> (float) Math.sqrt(v);
    };
  }

  @Override
  public FloatTensor step(FloatTensor modelOutput, double timestep, FloatTensor sample, StepContext ctx) {
    int t = (int) timestep;
    boolean learned = varianceType.startsWith("learned");
    float[] predictedVariance = null;
    if (learned && modelOutput.dim(1) == 2 * sample.dim(1)) {
      int[] s = sample.shape();
      int c = s[1];
      int plane = sample.size() / (s[0] * c);
      float[] mo = new float[sample.size()];
      predictedVariance = new float[sample.size()];
      for (int b = 0; b < s[0]; b++) {
        System.arraycopy(modelOutput.data(), b * 2 * c * plane, mo, b * c * plane, c * plane);
        System.arraycopy(modelOutput.data(), (b * 2 + 1) * c * plane, predictedVariance, b * c * plane, c * plane);
      }
      modelOutput = sample.withData(mo);
    } else if (learned) {
      throw new IllegalArgumentException(CLASS_NAME + ": variance_type " + varianceType + " needs a model output with "
          + (2 * sample.dim(1)) + " channels (noise and variance), got " + modelOutput.dim(1));
    }
    Tensors.checkSameShape(modelOutput, sample, CLASS_NAME);
    int prevT = previous(t);
    // 1. alphas, betas
    float aT = alphaAt(t);
    float aPrev = prevT >= 0 ? alphasCumprod[prevT] : 1f;
    float bT = 1 - aT;
    float bPrev = 1 - aPrev;
    float curAlpha = aT / aPrev;
    float curBeta = 1 - curAlpha;
    float[] x = sample.data();
    int n = x.length;
    // 2. predicted original sample, formula (15), and 3. clip or threshold
    float[] x0 = predictOriginal(x, modelOutput.data(), aT, sample.dim(0));
    // 4. coefficients of x_0 and x_t, formula (7)
    float c0 = (float) Math.sqrt(aPrev) * curBeta / bT;
    float ct = (float) Math.sqrt(curAlpha) * bPrev / bT;
    float[] prev = new float[n];
    for (int i = 0; i < n; i++) {
      prev[i] = c0 * x0[i] + ct * x[i];
    }
    // 5. add noise
    if (t > 0) {
      float[] z = ctx.noise().randn(modelOutput.shape()).data();
      if (predictedVariance == null) {
        // fixed variance: one sigma for the whole step
        float sigma = sigma(variance(t, prevT, 0f));
        for (int i = 0; i < n; i++) {
          prev[i] += sigma * z[i];
        }
      } else {
        for (int i = 0; i < n; i++) {
          prev[i] += sigma(variance(t, prevT, predictedVariance[i])) * z[i];
        }
      }
    }
    return sample.withData(prev);
  }
}
