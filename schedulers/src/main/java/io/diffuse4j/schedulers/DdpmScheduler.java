package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import io.diffuse4j.schedulers.toolkit.ConfigValue;

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

  private final VarianceType varianceType;
  /** {@code previous_timestep} of each training timestep of the run: the next timestep, -1 after the last. */
  private int[] previousOf = new int[0];

  /** A scheduler from a config (of this or another class: unknown keys are kept, missing ones default). */
  public DdpmScheduler(SchedulerConfig source) {
    this(new ConfigReader(source, CLASS_NAME));
  }

  private DdpmScheduler(ConfigReader r) {
    super(r, CLASS_NAME, "linear", "scaled_linear", "squaredcos_cap_v2", "sigmoid", "laplace");
    varianceType = r.option("variance_type", VarianceType.FIXED_SMALL, VarianceType.values());
    config = r.effectiveConfig();
  }

  /** Sets the run and, once, every timestep's previous one (diffusers' {@code previous_timestep}). */
  @Override
  public void setTimesteps(int steps) {
    super.setTimesteps(steps);
    previousOf = new int[numTrain];
    java.util.Arrays.fill(previousOf, Integer.MIN_VALUE);
    for (int i = 0; i < timesteps.length; i++) {
      if (timesteps[i] >= numTrain) {
        continue; // leading spacing with steps_offset can reach num_train_timesteps; alphaAt refuses it at step
      }
      previousOf[(int) timesteps[i]] = i == timesteps.length - 1 ? -1 : (int) timesteps[i + 1];
    }
  }

  /** diffusers' {@code previous_timestep}: the run's next timestep, -1 after the last. */
  private int previous(int t) {
    int p = t >= 0 && t < previousOf.length ? previousOf[t] : Integer.MIN_VALUE;
    if (p == Integer.MIN_VALUE) {
      throw new IllegalArgumentException(CLASS_NAME + ": timestep " + t + " is not one of this run's timesteps "
          + "(call setTimesteps first)");
    }
    return p;
  }

  /**
   * Adds the step's noise {@code z} with diffusers' {@code _get_variance} (formulas (6) and (7) of
   * https://arxiv.org/pdf/2006.11239.pdf): the fixed variances give one sigma for the step, the
   * learned ones take the model's per-element variance ({@code predicted}).
   */
  private void addVariance(float[] prev, float[] z, float aT, float aPrev, float[] predicted) {
    float beta = 1 - aT / aPrev;
    float v = Math.max((1 - aPrev) / (1 - aT) * beta, 1e-20f);
    int n = prev.length;
    switch (varianceType) {
      case LEARNED -> {
        for (int i = 0; i < n; i++) {
          prev[i] += (float) Math.sqrt(predicted[i]) * z[i];
        }
      }
      case LEARNED_RANGE -> {
        float minLog = (float) Math.log(v);
        float maxLog = (float) Math.log(beta);
        for (int i = 0; i < n; i++) {
          float frac = (predicted[i] + 1) / 2;
          prev[i] += (float) Math.exp(0.5 * (frac * maxLog + (1 - frac) * minLog)) * z[i];
        }
      }
      default -> {
        float sigma = varianceType.fixedSigma(v, beta);
        for (int i = 0; i < n; i++) {
          prev[i] += sigma * z[i];
        }
      }
    }
  }

  @Override
  public FloatTensor step(FloatTensor modelOutput, double timestep, FloatTensor sample, StepContext ctx) {
    int t = (int) timestep;
    boolean learned = varianceType.learned();
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
      throw new IllegalArgumentException(CLASS_NAME + ": variance_type " + varianceType.configValue()
          + " needs a model output with " + (2 * sample.dim(1)) + " channels (noise and variance), got " + modelOutput.dim(1));
    }
    Tensors.checkSameShape(modelOutput, sample, CLASS_NAME);
    // 1. alphas, betas
    float aT = alphaAt(t);
    int prevT = previous(t);
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
      addVariance(prev, ctx.noise().randn(modelOutput.shape()).data(), aT, aPrev, predictedVariance);
    }
    return sample.withData(prev);
  }

  /** diffusers' {@code variance_type}. Immutable and thread-safe. */
  public enum VarianceType implements ConfigValue {
    /** The posterior variance {@code beta~_t} (formula (7)). */
    FIXED_SMALL,
    /** Its log form, as diffusers computes it. */
    FIXED_SMALL_LOG,
    /** {@code beta_t}. */
    FIXED_LARGE,
    /** {@code log(beta_t)}, as diffusers computes it. */
    FIXED_LARGE_LOG,
    /** The model's predicted variance (a second half of the output channels). */
    LEARNED,
    /** An interpolation between the small and large log variances, by the model's output in [-1, 1]. */
    LEARNED_RANGE;

    @Override
    public String configValue() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether the variance comes from the model output. */
    public boolean learned() {
      return this == LEARNED || this == LEARNED_RANGE;
    }

    /** The noise scale of a fixed variance, from the posterior variance {@code v} and {@code beta_t}. */
    float fixedSigma(float v, float beta) {
      return switch (this) {
        case FIXED_SMALL -> (float) Math.sqrt(v);
        case FIXED_SMALL_LOG -> (float) Math.exp(0.5 * (float) Math.log(v));
        case FIXED_LARGE -> (float) Math.sqrt(beta);
        // diffusers takes the square root of log(beta_t) here (NaN), kept as it is
        default -> (float) Math.sqrt((float) Math.log(beta));
      };
    }
  }
}
