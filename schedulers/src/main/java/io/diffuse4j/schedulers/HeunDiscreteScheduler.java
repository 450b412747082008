package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import io.diffuse4j.schedulers.toolkit.PredictionType;
import io.diffuse4j.schedulers.toolkit.SigmaKind;

/**
 * Heun's second-order method on the probability-flow ODE (Karras et al. 2022, Algorithm 1),
 * equal to diffusers' {@code HeunDiscreteScheduler}: every step but the last evaluates the model
 * twice, so {@link #timesteps()} repeats each timestep after the first (2N - 1 values) and
 * {@link #order()} is 2. The first evaluation takes an Euler step to the next sigma, the second
 * averages both derivatives and redoes the step from the saved sample. Config keys and defaults
 * as diffusers' {@code __init__}: num_train_timesteps 1000, beta_start 0.00085, beta_end 0.012,
 * beta_schedule linear (also exp), trained_betas, prediction_type epsilon,
 * use_karras_sigmas / use_exponential_sigmas / use_beta_sigmas false, clip_sample false,
 * clip_sample_range 1.0, timestep_spacing linspace, steps_offset 0.
 *
 * <pre>{@code
 * Scheduler heun = new HeunDiscreteScheduler(modelConfig);
 * heun.setTimesteps(25);   // heun.timesteps().length == 49
 * }</pre>
 *
 * <p>Not thread-safe: one instance per run.
 */
public final class HeunDiscreteScheduler extends SigmaScheduler {

  /** The diffusers class name. */
  public static final String CLASS_NAME = "HeunDiscreteScheduler";

  private final SigmaKind sigmaKind;
  private final boolean clipSample;
  private final double clipSampleRange;
  private float[] prevDerivative;
  private Float dt;
  private float[] savedSample;

  /** A scheduler from a config (of this or another class: unknown keys are kept, missing ones default). */
  public HeunDiscreteScheduler(SchedulerConfig source) {
    super(CLASS_NAME);
    ConfigReader r = new ConfigReader(source, CLASS_NAME);
    readCommon(r, 0.00085, 0.012, new String[] {"linear", "scaled_linear", "squaredcos_cap_v2", "exp"});
    predictionType = r.option("prediction_type", PredictionType.EPSILON, PredictionType.EPSILON,
        PredictionType.V_PREDICTION, PredictionType.SAMPLE);
    sigmaKind = SigmaKind.read(r, CLASS_NAME);
    clipSample = r.bool("clip_sample", false);
    clipSampleRange = r.number("clip_sample_range", 1.0);
    readSpacing(r);
    config = r.effectiveConfig();
    buildAlphas(false);
  }

  @Override
  public int order() {
    return 2;
  }

  @Override
  public void setTimesteps(int steps) {
    Schedule schedule = schedule(steps, sigmaKind, null, null);
    double[] sig = schedule.sigmas();
    float[] ts = schedule.timesteps();
    int n = sig.length;
    // sigmas: s0, s1, s1, ..., s_{n-1}, s_{n-1}, 0; timesteps: t0, t1, t1, ..., t_{n-1}, t_{n-1}
    float[] run = new float[2 * n];
    run[0] = (float) sig[0];
    for (int i = 1; i < n; i++) {
      run[2 * i - 1] = (float) sig[i];
      run[2 * i] = (float) sig[i];
    }
    run[2 * n - 1] = 0f;
    float[] rts = new float[2 * n - 1];
    rts[0] = ts[0];
    for (int i = 1; i < n; i++) {
      rts[2 * i - 1] = ts[i];
      rts[2 * i] = ts[i];
    }
    setRun(run, rts);
    prevDerivative = null;
    dt = null;
    savedSample = null;
  }

  @Override
  public FloatTensor step(FloatTensor modelOutput, double timestep, FloatTensor sample, StepContext ctx) {
    // 1. predicted x_0 at the sigma the model was evaluated at (sigmas[i] on both evaluations)
    StepStart s = startStep(modelOutput, timestep, sample);
    int i = s.index();
    boolean first = dt == null;
    float sigma = first ? sigmas[i] : sigmas[i - 1];
    float sigmaNext = first ? sigmas[i + 1] : sigmas[i];
    float[] x = s.x();
    float[] x0 = s.x0();
    if (clipSample) {
      float r = (float) clipSampleRange;
      for (int k = 0; k < x0.length; k++) {
        x0[k] = Math.max(-r, Math.min(r, x0[k]));
      }
    }
    float[] prev = new float[x.length];
    if (first) {
      // 2. Euler step: derivative at sigma, kept for the correction
      float[] d = new float[x.length];
      float h = sigmaNext - sigma;
      for (int k = 0; k < x.length; k++) {
        d[k] = (x[k] - x0[k]) / sigma;
        prev[k] = x[k] + d[k] * h;
      }
      prevDerivative = d;
      dt = h;
      savedSample = x.clone();
    } else {
      // 3. Heun correction: average of both derivatives, from the saved sample
      float h = dt;
      for (int k = 0; k < x.length; k++) {
        float d2 = (x[k] - x0[k]) / sigmaNext;
        float d = (prevDerivative[k] + d2) / 2f;
        prev[k] = savedSample[k] + d * h;
      }
      prevDerivative = null;
      dt = null;
      savedSample = null;
    }
    stepIndex = i + 1;
    return sample.withData(prev);
  }
}
