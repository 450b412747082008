package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import io.diffuse4j.schedulers.toolkit.PredictionType;
import io.diffuse4j.schedulers.toolkit.SigmaKind;
import io.diffuse4j.schedulers.toolkit.SigmaSpace;
import io.diffuse4j.schedulers.toolkit.TimestepSpacing;

/**
 * What diffusers' k-diffusion style schedulers (Euler, Euler ancestral, LMS, Heun) share: the
 * sigma schedule ({@code sigma = sqrt((1 - alpha_bar) / alpha_bar)} in float32, interpolated at
 * the run's timesteps, optionally remapped to Karras, exponential or Beta sigmas), the input
 * scaling {@code x / sqrt(sigma^2 + 1)}, the step index found from the timestep value
 * ({@code index_for_timestep}: the second match when a timestep repeats) or from
 * {@code set_begin_index}, {@code init_noise_sigma}, {@code add_noise}
 * ({@code x0 + noise * sigma}) and the start of every step (the predicted x0 at the step's sigma).
 * Not thread-safe: one instance per run.
 */
abstract class SigmaScheduler extends RunScheduler {

  float[] alphasCumprod;
  TimestepSpacing spacing;
  int stepsOffset;
  /** {@code prediction_type}, read by the subclass among the values its diffusers class accepts. */
  PredictionType predictionType;
  /** The run's sigmas, float32, one more than the timesteps (Heun: as diffusers repeats them). */
  float[] sigmas;

  SigmaScheduler(String className) {
    super(className);
  }

  /** The beta schedules of diffusers' Euler, Euler ancestral and LMS classes. */
  static final String[] SCHEDULES = {"linear", "scaled_linear", "squaredcos_cap_v2"};

  /**
   * {@link #readCommon(ConfigReader, double, double, String[])} with the defaults of Euler, Euler
   * ancestral and LMS (beta_start 0.0001, beta_end 0.02, {@link #SCHEDULES}).
   */
  ConfigReader readCommon(SchedulerConfig source) {
    ConfigReader r = new ConfigReader(source, className);
    readCommon(r, 0.0001, 0.02, SCHEDULES);
    return r;
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

  /** Reads {@code timestep_spacing} (linspace by default) and {@code steps_offset} (0). */
  void readSpacing(ConfigReader r) {
    spacing = r.option("timestep_spacing", TimestepSpacing.LINSPACE, TimestepSpacing.values());
    stepsOffset = r.integer("steps_offset", 0);
  }

  /** alphas_cumprod of the schedule read by {@link #readCommon}, with zero-SNR rescaling when asked. */
  void buildAlphas(boolean zeroSnr) {
    alphasCumprod = SchedulerMath.alphasCumprod(schedule, numTrain, betaStart, betaEnd, trained, zeroSnr);
    if (zeroSnr) {
      // diffusers: alphas_cumprod[-1] = 2**-24 so that the last sigma is finite
      alphasCumprod[alphasCumprod.length - 1] = 0x1p-24f;
    }
  }

  /** Training sigmas in float32 (torch), ascending with t. */
  float[] trainingSigmas() {
    return MultistepMath.trainingSigmas(alphasCumprod);
  }

  /**
   * The run's timesteps and float64 sigmas (without the final sigma): the spacing's timesteps,
   * the training sigmas interpolated there ({@link #interpolateSigmas}), remapped to {@code kind}
   * between {@code sigmaMin} / {@code sigmaMax} (null: the interpolated ends), the timesteps then
   * taken back from the remapped sigmas ({@code _sigma_to_t}).
   */
  Schedule schedule(int steps, SigmaKind kind, Double sigmaMin, Double sigmaMax) {
    checkSteps(steps);
    float[] ts = spacing.sigmaTimesteps(numTrain, steps, stepsOffset);
    float[] train = trainingSigmas();
    double[] sig = interpolateSigmas(ts, train, steps);
    if (kind != SigmaKind.NONE) {
      sig = kind.remap(sig, sigmaMin, sigmaMax, steps);
      ts = sigmasToTimesteps(sig, train);
    }
    return new Schedule(ts, sig);
  }

  /** A run's timesteps and its float64 sigmas (as many). */
  record Schedule(float[] timesteps, double[] sigmas) {

    /** The sigmas in float32 followed by {@code last} (diffusers' concatenated final sigma). */
    float[] sigmasThen(float last) {
      float[] run = new float[sigmas.length + 1];
      for (int i = 0; i < sigmas.length; i++) {
        run[i] = (float) sigmas[i];
      }
      run[sigmas.length] = last;
      return run;
    }
  }

  /** {@code np.interp(timesteps, arange(T), sigmas)} (float64); Euler's log-linear interpolation overrides it. */
  double[] interpolateSigmas(float[] ts, float[] trainSigmas, int steps) {
    return interpolate(ts, trainSigmas);
  }

  /** {@code np.interp(timesteps, arange(T), sigmas)} (float64). */
  static double[] interpolate(float[] ts, float[] trainSigmas) {
    double[] out = new double[ts.length];
    for (int i = 0; i < ts.length; i++) {
      out[i] = SchedulerMath.interpIndex(ts[i], trainSigmas);
    }
    return out;
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

  /** Sets the run from float32 sigmas (final one included) and timesteps; resets the step index. */
  void setRun(float[] runSigmas, float[] runTimesteps) {
    sigmas = runSigmas;
    double[] t = new double[runTimesteps.length];
    for (int i = 0; i < runTimesteps.length; i++) {
      t[i] = runTimesteps[i];
    }
    startRun(t);
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
    return spacing.initNoiseSigma(max);
  }

  /** diffusers' {@code index_for_timestep}: the second match when the timestep repeats, else the first. */
  @Override
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

  /**
   * The start of a step: the shapes checked, the step index, its sigma and the predicted x0 there
   * (Heun's second evaluation too is at {@code sigmas[index]}, the repeated sigma).
   */
  StepStart startStep(FloatTensor modelOutput, double timestep, FloatTensor sample) {
    Tensors.checkSameShape(modelOutput, sample, className);
    int i = stepIndex(timestep);
    float sigma = sigmas[i];
    float[] x = sample.data();
    return new StepStart(i, sigma, x, predictX0(predictionType, sigma, modelOutput.data(), x));
  }

  /**
   * A step's index, sigma, sample and predicted x0.
   *
   * @param index the step index
   * @param sigma {@code sigmas[index]}
   * @param x the sample's values
   * @param x0 the predicted original sample
   */
  record StepStart(int index, float sigma, float[] x, float[] x0) { }

  /** An Euler move: {@code x + (x - x0) / sigma * dt}, the ODE derivative {@code d = (x - x0) / sigma}. */
  static float[] eulerMove(float[] x, float[] x0, float sigma, float dt) {
    float[] prev = new float[x.length];
    for (int k = 0; k < x.length; k++) {
      float d = (x[k] - x0[k]) / sigma;
      prev[k] = x[k] + d * dt;
    }
    return prev;
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
    Tensors.checkSameShape(noise, original, className);
    return SigmaSpace.addNoise(original, noise, sigmas[addNoiseIndex(timestep)], className);
  }


  /**
   * The x0 prediction of the k-diffusion schedulers at {@code sigma}: epsilon
   * {@code x - sigma * m}, v-prediction {@code m * (-sigma / sqrt(sigma^2 + 1)) + x / (sigma^2 + 1)},
   * sample {@code m}.
   */
  static float[] predictX0(PredictionType predictionType, float sigma, float[] m, float[] x) {
    int n = x.length;
    float[] p = new float[n];
    switch (predictionType) {
      case EPSILON -> {
        for (int i = 0; i < n; i++) {
          p[i] = x[i] - sigma * m[i];
        }
      }
      case V_PREDICTION -> {
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
