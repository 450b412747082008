package io.diffuse4j.examples.kdpm2;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import io.diffuse4j.schedulers.toolkit.SigmaSchedules;
import io.diffuse4j.schedulers.toolkit.SigmaSpace;
import io.diffuse4j.schedulers.toolkit.TimestepSpacing;
import io.diffuse4j.schedulers.toolkit.TrainingSchedule;

/**
 * diffusers' {@code KDPM2DiscreteScheduler}: k-diffusion's {@code sample_dpm_2} (DPM-Solver-2,
 * Karras et al. 2022, <a href="https://arxiv.org/abs/2206.00364">arXiv:2206.00364</a> Algorithm 2
 * with gamma = 0). Each step evaluates the model twice, at sigma_i and at the geometric midpoint
 * sigma_mid = sqrt(sigma_i * sigma_{i+1}); {@link #timesteps()} therefore lists 2N - 1 timesteps
 * (the midpoints' timesteps interleaved) and {@link #order()} is 2. Numbers follow diffusers in
 * float32, step by step.
 *
 * <pre>{@code
 * Scheduler s = new Kdpm2SchedulerProvider().create(modelSchedulerConfig);
 * s.setTimesteps(20);   // 39 model evaluations
 * }</pre>
 *
 * <p>Holds the state of one run: not thread-safe, create one per generation.
 */
public final class Kdpm2DiscreteScheduler implements Scheduler {

  private final Kdpm2Settings settings;
  private final SchedulerConfig config;
  private final float[] alphasCumprod;

  private double[] timesteps = new double[0];
  /** diffusers' {@code self.sigmas}: sigma of each entry of {@link #timesteps}, plus the tail. */
  private float[] sigmas = new float[0];
  /** diffusers' {@code self.sigmas_interpol}: the midpoint sigmas, laid out like {@link #sigmas}. */
  private float[] sigmasInterpol = new float[0];
  private int stepIndex = -1;
  private int beginIndex = -1;
  /** The sample at sigma_i, kept between the two halves of a step (diffusers' {@code self.sample}). */
  private float[] firstOrderSample;

  /**
   * A scheduler from a config of any class: the keys this class knows are read (diffusers'
   * defaults for the missing ones), the others are kept in {@link #config()}.
   *
   * @throws IllegalArgumentException naming key and value when the config is refused
   */
  public Kdpm2DiscreteScheduler(SchedulerConfig source) {
    ConfigReader r = new ConfigReader(source, Kdpm2Settings.CLASS_NAME);
    this.settings = Kdpm2Settings.read(r);
    this.config = r.effectiveConfig();
    this.alphasCumprod = TrainingSchedule.of(settings.betaSchedule(), settings.numTrainTimesteps(),
        settings.betaStart(), settings.betaEnd(), settings.trainedBetas(), false).alphasCumprod();
    // diffusers runs set_timesteps(num_train_timesteps) in __init__; it is what a run starts from.
    setTimesteps(settings.numTrainTimesteps());
  }

  @Override
  public SchedulerConfig config() {
    return config;
  }

  /** The typed settings. */
  public Kdpm2Settings settings() {
    return settings;
  }

  @Override
  public int numTrainTimesteps() {
    return settings.numTrainTimesteps();
  }

  @Override
  public int order() {
    return 2;
  }

  @Override
  public void setTimesteps(int numInferenceSteps) {
    int n = settings.numTrainTimesteps();
    if (numInferenceSteps < 1 || numInferenceSteps > n) {
      throw new IllegalArgumentException(Kdpm2Settings.CLASS_NAME + ": num_inference_steps must be between 1 and "
          + "num_train_timesteps (" + n + "), got " + numInferenceSteps);
    }
    // Timesteps as float32 (diffusers' np.float32 arrays) unless the sigma schedule makes them float64.
    float[] ts32 = spacing().sigmaTimesteps(n, numInferenceSteps, settings.stepsOffset());
    float[] trainSigmas = SigmaSchedules.trainingSigmasFloat32(alphasCumprod);
    float[] logSigmas = SigmaSchedules.logFloat32(trainSigmas);
    double[] sig = SigmaSchedules.interpolate(ts32, trainSigmas);
    double[] ts = new double[ts32.length];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = ts32[i];
    }
    if (settings.useKarrasSigmas() || settings.useExponentialSigmas()) {
      boolean karras = settings.useKarrasSigmas();
      sig = karras ? SigmaSchedules.karras(sig[sig.length - 1], sig[0], numInferenceSteps)
          : SigmaSchedules.exponential(sig[sig.length - 1], sig[0], numInferenceSteps);
      ts = new double[sig.length];
      for (int i = 0; i < sig.length; i++) {
        // _sigma_to_t over float64 log sigmas (NumPy); Karras timesteps are rounded
        double t = SigmaSchedules.sigmaToTimestepFloat64(sig[i], toDouble(logSigmas));
        ts[i] = karras ? Math.rint(t) : t;
      }
    }
    int steps = sig.length;
    // sigmas with a final 0, in float32
    float[] s = new float[steps + 1];
    for (int i = 0; i < steps; i++) {
      s[i] = (float) sig[i];
    }
    // midpoints: exp(lerp(log s_i, log s_{i-1}, 0.5)) = sqrt(s_{i-1} * s_i), as torch computes it;
    // [0] is NaN (wraps around to the final 0) and never used, [steps] is 0.
    float[] mid = new float[steps + 1];
    for (int i = 0; i <= steps; i++) {
      float start = (float) Math.log(s[i]);
      float end = (float) Math.log(s[(i + steps) % (steps + 1)]);
      mid[i] = (float) Math.exp(end - (end - start) * 0.5f);
    }
    sigmas = interleave(s);
    sigmasInterpol = interleave(mid);
    // timesteps: t_0, then (t of the midpoint, t_i) for each later step
    timesteps = new double[2 * steps - 1];
    timesteps[0] = ts[0];
    for (int i = 1; i < steps; i++) {
      timesteps[2 * i - 1] = SigmaSchedules.sigmaToTimestepFloat32(mid[i], logSigmas);
      timesteps[2 * i] = ts[i];
    }
    firstOrderSample = null;
    stepIndex = -1;
    beginIndex = -1;
  }

  private TimestepSpacing spacing() {
    return TimestepSpacing.parse(settings.timestepSpacing());
  }

  private static double[] toDouble(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  /** [x0, x1, x1, x2, x2, ..., x_last, x_last, x_last]: diffusers' cat(x[:1], x[1:].repeat_interleave(2), x[-1:]). */
  private static float[] interleave(float[] x) {
    float[] out = new float[2 * x.length];
    out[0] = x[0];
    for (int i = 1; i < x.length; i++) {
      out[2 * i - 1] = x[i];
      out[2 * i] = x[i];
    }
    out[out.length - 1] = x[x.length - 1];
    return out;
  }

  @Override
  public double[] timesteps() {
    return timesteps.clone();
  }

  @Override
  public void setBeginIndex(int beginIndex) {
    if (beginIndex < 0 || beginIndex > timesteps.length) {
      throw new IllegalArgumentException(Kdpm2Settings.CLASS_NAME + ": begin index " + beginIndex
          + " is outside the " + timesteps.length + " timesteps");
    }
    this.beginIndex = beginIndex;
  }

  @Override
  public double initNoiseSigma() {
    return spacing().initNoiseSigma(SigmaSpace.max(sigmas));
  }


  private boolean inFirstOrder() {
    return firstOrderSample == null;
  }

  /** diffusers' {@code _init_step_index}: the begin index, else the timestep's position. */
  private void initStepIndex(double timestep) {
    stepIndex = beginIndex >= 0 ? beginIndex : indexForTimestep(timestep);
  }

  private int indexForTimestep(double t) {
    return SigmaSpace.indexForTimestep(timesteps, t, Kdpm2Settings.CLASS_NAME);
  }


  @Override
  public FloatTensor scaleModelInput(FloatTensor sample, double timestep) {
    if (stepIndex < 0) {
      initStepIndex(timestep);
    }
    checkIndex();
    return SigmaSpace.scaleModelInput(sample, inFirstOrder() ? sigmas[stepIndex] : sigmasInterpol[stepIndex]);
  }

  @Override
  public FloatTensor step(FloatTensor modelOutput, double timestep, FloatTensor sample, StepContext context) {
    SigmaSpace.requireSameShape(modelOutput, sample, "model output", Kdpm2Settings.CLASS_NAME);
    if (stepIndex < 0) {
      initStepIndex(timestep);
    }
    checkIndex();
    boolean first = inFirstOrder();
    float sigma;
    float sigmaMid;
    float sigmaNext;
    if (first) {
      sigma = sigmas[stepIndex];
      sigmaMid = sigmasInterpol[stepIndex + 1];
      sigmaNext = sigmas[stepIndex + 1];
    } else {
      // 2nd order / DPM-Solver-2: the step from sigma_i, with the slope at the midpoint
      sigma = sigmas[stepIndex - 1];
      sigmaMid = sigmasInterpol[stepIndex];
      sigmaNext = sigmas[stepIndex];
    }
    // gamma = 0 (as in diffusers): sigma_hat = sigma
    float sigmaHat = sigma;
    float sigmaInput = first ? sigmaHat : sigmaMid;

    float[] x = sample.data();
    float[] eps = modelOutput.data();
    float[] base = first ? x : firstOrderSample;
    // 2. derivative d = (x - x0) / sigma and 3. the sigma step dt
    float divisor = first ? sigmaHat : sigmaMid;
    float dt = first ? sigmaMid - sigmaHat : sigmaNext - sigmaHat;
    boolean vPrediction = settings.predictionType().equals("v_prediction");
    float vScale = 0f;
    float vDenominator = 0f;
    if (vPrediction) {
      float s2 = sigmaInput * sigmaInput + 1f;
      vScale = -sigmaInput / (float) Math.sqrt(s2);
      vDenominator = s2;
    }
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      // 1. predicted original sample x0 from the model output
      float x0 = vPrediction ? eps[i] * vScale + x[i] / vDenominator : x[i] - sigmaInput * eps[i];
      float derivative = (x[i] - x0) / divisor;
      out[i] = base[i] + derivative * dt;
    }
    firstOrderSample = first ? x.clone() : null;
    stepIndex++;
    return sample.withData(out);
  }

  private void checkIndex() {
    if (stepIndex >= timesteps.length) {
      throw new IllegalStateException(Kdpm2Settings.CLASS_NAME + ": all " + timesteps.length
          + " timesteps of this run are done; call setTimesteps to start another run");
    }
  }

  @Override
  public FloatTensor addNoise(FloatTensor original, FloatTensor noise, double timestep) {
    int index;
    if (beginIndex < 0) {
      index = indexForTimestep(timestep);
    } else {
      index = stepIndex >= 0 ? stepIndex : beginIndex;
    }
    return SigmaSpace.addNoise(original, noise, sigmas[index], Kdpm2Settings.CLASS_NAME);
  }


  @Override
  public String toString() {
    return "Kdpm2DiscreteScheduler" + config.values();
  }
}
