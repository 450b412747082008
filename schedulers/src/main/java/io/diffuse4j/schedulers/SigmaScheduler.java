package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;

/**
 * What diffusers' k-diffusion style schedulers (Euler, Euler ancestral, LMS, Heun) share: the
 * sigma schedule ({@code sigma = sqrt((1 - alpha_bar) / alpha_bar)} in float32, interpolated at
 * the run's timesteps, optionally remapped to Karras, exponential or Beta sigmas), the input
 * scaling {@code x / sqrt(sigma^2 + 1)}, the step index found from the timestep value
 * ({@code index_for_timestep}: the second match when a timestep repeats) or from
 * {@code set_begin_index}, {@code init_noise_sigma} and {@code add_noise}
 * ({@code x0 + noise * sigma}). Not thread-safe: one instance per run.
 */
abstract class SigmaScheduler extends ConfiguredScheduler {

  /** The diffusers class name. */
  final String className;
  float[] alphasCumprod;
  String spacing;
  int stepsOffset;
  /** The run's sigmas, float32, one more than the timesteps (Heun: as diffusers repeats them). */
  float[] sigmas;
  /** The run's timesteps (float32 values). */
  double[] timesteps;
  Integer stepIndex;
  Integer beginIndex;

  SigmaScheduler(String className) {
    this.className = className;
  }

  /** Reads the keys every sigma scheduler shares; call first in the subclass constructor. */
  void readCommon(ConfigReader r, double betaStartDefault, double betaEndDefault, String[] schedules) {
    numTrain = r.integer("num_train_timesteps", 1000);
    if (numTrain < 2) {
      throw r.bad("num_train_timesteps", numTrain, "an integer of at least 2");
    }
    betaStart = r.number("beta_start", betaStartDefault);
    betaEnd = r.number("beta_end", betaEndDefault);
    trained = r.numbers("trained_betas");
    schedule = r.choice("beta_schedule", "linear", schedules);
  }

  private double betaStart;
  private double betaEnd;
  private double[] trained;
  private String schedule;

  /** alphas_cumprod of the schedule read by {@link #readCommon}, with zero-SNR rescaling when asked. */
  void buildAlphas(boolean zeroSnr) {
    alphasCumprod = SchedulerMath.alphasCumprod(schedule, numTrain, betaStart, betaEnd, trained, zeroSnr);
    if (zeroSnr) {
      // diffusers: alphas_cumprod[-1] = 2**-24 so that the last sigma is finite
      alphasCumprod[alphasCumprod.length - 1] = 0x1p-24f;
    }
  }

  IllegalArgumentException refuse(String message) {
    return new IllegalArgumentException(className + ": " + message);
  }

  void checkSteps(int steps) {
    if (steps < 1) {
      throw refuse("num_inference_steps = " + steps + " must be at least 1");
    }
  }

  /** Training sigmas in float32 (torch), ascending with t. */
  float[] trainingSigmas() {
    return MultistepMath.trainingSigmas(alphasCumprod);
  }

  /** {@code np.interp(timesteps, arange(T), sigmas)} (float64). */
  static double[] interpolate(float[] ts, float[] trainSigmas) {
    double[] out = new double[ts.length];
    for (int i = 0; i < ts.length; i++) {
      out[i] = SchedulerMath.interpIndex(ts[i], trainSigmas);
    }
    return out;
  }

  /**
   * Remaps interpolated sigmas: {@code karras}, {@code exponential} or {@code beta}, between
   * {@code sigmaMin} / {@code sigmaMax} (when null: the last / first of {@code in}).
   */
  static double[] convert(String kind, double[] in, Double sigmaMin, Double sigmaMax, int n) {
    double lo = sigmaMin != null ? sigmaMin : in[in.length - 1];
    double hi = sigmaMax != null ? sigmaMax : in[0];
    return switch (kind) {
      case "karras" -> SchedulerMath.karrasSigmas(lo, hi, n);
      case "exponential" -> MultistepMath.exponentialSigmas(lo, hi, n);
      case "beta" -> SchedulerMath.betaSigmas(lo, hi, n, 0.6, 0.6);
      default -> in;
    };
  }

  /** {@code _sigma_to_t} of each sigma, as float32 timesteps. */
  static float[] sigmasToTimesteps(double[] sig, float[] trainSigmas) {
    float[] logs = MultistepMath.logs(trainSigmas);
    float[] out = new float[sig.length];
    for (int i = 0; i < sig.length; i++) {
      out[i] = (float) MultistepMath.sigmaToT(sig[i], logs);
    }
    return out;
  }

  /** The sigma kind chosen by use_karras_sigmas / use_exponential_sigmas / use_beta_sigmas (at most one). */
  String sigmaKind(boolean karras, boolean exponential, boolean beta) {
    if ((karras ? 1 : 0) + (exponential ? 1 : 0) + (beta ? 1 : 0) > 1) {
      throw refuse("only one of use_beta_sigmas, use_exponential_sigmas, use_karras_sigmas can be true");
    }
    return karras ? "karras" : exponential ? "exponential" : beta ? "beta" : "none";
  }

  /** Sets the run from float32 sigmas (final one included) and timesteps; resets the step index. */
  void setRun(float[] runSigmas, float[] runTimesteps) {
    sigmas = runSigmas;
    timesteps = new double[runTimesteps.length];
    for (int i = 0; i < runTimesteps.length; i++) {
      timesteps[i] = runTimesteps[i];
    }
    stepIndex = null;
    beginIndex = null;
  }

  void requireTimesteps() {
    if (timesteps == null) {
      throw new IllegalStateException(className + ": call setTimesteps(numInferenceSteps) first");
    }
  }

  @Override
  public double[] timesteps() {
    requireTimesteps();
    return timesteps.clone();
  }

  /** The run's sigmas (diffusers' {@code scheduler.sigmas}). */
  public float[] sigmas() {
    requireTimesteps();
    return sigmas.clone();
  }

  @Override
  public void setBeginIndex(int index) {
    requireTimesteps();
    if (index < 0 || index > timesteps.length) {
      throw refuse("begin index " + index + " is outside [0, " + timesteps.length + "]");
    }
    beginIndex = index;
  }

  /**
   * diffusers' {@code init_noise_sigma}: the largest sigma for linspace and trailing spacing,
   * {@code sqrt(max^2 + 1)} for leading.
   */
  @Override
  public double initNoiseSigma() {
    requireTimesteps();
    float max = 0;
    for (float s : sigmas) {
      max = Math.max(max, s);
    }
    if ("linspace".equals(spacing) || "trailing".equals(spacing)) {
      return max;
    }
    return (float) Math.sqrt(max * max + 1f);
  }

  /** diffusers' {@code index_for_timestep}: the second match when the timestep repeats, else the first. */
  int indexForTimestep(double t) {
    int first = SchedulerMath.indexForTimestep(timesteps, (float) t);
    if (first < 0) {
      throw refuse("timestep " + t + " is not one of this run's timesteps; pass a value of timesteps()");
    }
    return first;
  }

  /** The current step index, found on first use as diffusers' {@code _init_step_index}. */
  int stepIndex(double t) {
    requireTimesteps();
    if (stepIndex == null) {
      stepIndex = beginIndex != null ? beginIndex : indexForTimestep(t);
    }
    if (stepIndex >= timesteps.length) {
      throw new IllegalStateException(className + ": the run's " + timesteps.length
          + " steps are done; call setTimesteps for a new run");
    }
    return stepIndex;
  }

  @Override
  public FloatTensor scaleModelInput(FloatTensor sample, double timestep) {
    float sigma = sigmas[stepIndex(timestep)];
    float div = (float) Math.sqrt(sigma * sigma + 1f);
    float[] x = sample.data();
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] / div;
    }
    return sample.withData(out);
  }

  /** {@code original + noise * sigma}, sigma picked as diffusers' {@code add_noise} does. */
  @Override
  public FloatTensor addNoise(FloatTensor original, FloatTensor noise, double timestep) {
    requireTimesteps();
    Tensors.checkSameShape(noise, original, className);
    int idx;
    if (beginIndex == null) {
      idx = indexForTimestep(timestep);
    } else if (stepIndex != null) {
      idx = stepIndex;
    } else {
      idx = beginIndex;
    }
    float sigma = sigmas[idx];
    float[] x = original.data();
    float[] z = noise.data();
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] + z[i] * sigma;
    }
    return original.withData(out);
  }

  /**
   * The x0 prediction of the k-diffusion schedulers at {@code sigma}: epsilon
   * {@code x - sigma * m}, v-prediction {@code m * (-sigma / sqrt(sigma^2 + 1)) + x / (sigma^2 + 1)},
   * sample {@code m}.
   */
  static float[] predictX0(String predictionType, float sigma, float[] m, float[] x) {
    int n = x.length;
    float[] p = new float[n];
    switch (predictionType) {
      case "epsilon" -> {
        for (int i = 0; i < n; i++) {
          p[i] = x[i] - sigma * m[i];
        }
      }
      case "v_prediction" -> {
        float s2 = sigma * sigma + 1f;
        float c = -sigma / (float) Math.sqrt(s2);
        for (int i = 0; i < n; i++) {
          p[i] = m[i] * c + x[i] / s2;
        }
      }
      default -> System.arraycopy(m, 0, p, 0, n);
    }
    return p;
  }
}
