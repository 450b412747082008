package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import io.diffuse4j.schedulers.toolkit.FinalSigmas;
import io.diffuse4j.schedulers.toolkit.PredictionType;
import io.diffuse4j.schedulers.toolkit.SigmaKind;

/**
 * Euler's method on the probability-flow ODE in sigma (Karras et al. 2022, Algorithm 2 with
 * {@code s_churn = 0}), equal to diffusers' {@code EulerDiscreteScheduler}. Config keys and
 * defaults as diffusers' {@code __init__}: num_train_timesteps 1000, beta_start 0.0001, beta_end
 * 0.02, beta_schedule linear, trained_betas, prediction_type epsilon, interpolation_type linear,
 * use_karras_sigmas / use_exponential_sigmas / use_beta_sigmas false, sigma_min, sigma_max,
 * timestep_spacing linspace, timestep_type discrete, steps_offset 0, rescale_betas_zero_snr false,
 * final_sigmas_type zero.
 *
 * <pre>{@code
 * Scheduler euler = new EulerDiscreteScheduler(SchedulerConfigJson.parse(Path.of("scheduler_config.json")));
 * euler.setTimesteps(30);
 * }</pre>
 *
 * <p>Not thread-safe: one instance per run.
 */
public final class EulerDiscreteScheduler extends SigmaScheduler {

  /** The diffusers class name. */
  public static final String CLASS_NAME = "EulerDiscreteScheduler";

  private final boolean logLinear;
  private final SigmaKind sigmaKind;
  private final Double sigmaMin;
  private final Double sigmaMax;
  private final boolean continuousV;
  private final FinalSigmas finalSigmas;

  /** A scheduler from a config (of this or another class: unknown keys are kept, missing ones default). */
  public EulerDiscreteScheduler(SchedulerConfig source) {
    super(CLASS_NAME);
    ConfigReader r = readCommon(source);
    predictionType = r.option("prediction_type", PredictionType.EPSILON, PredictionType.EPSILON,
        PredictionType.V_PREDICTION, PredictionType.SAMPLE, PredictionType.ORIGINAL_SAMPLE);
    logLinear = "log_linear".equals(r.choice("interpolation_type", "linear", "linear", "log_linear"));
    sigmaKind = SigmaKind.read(r, CLASS_NAME);
    sigmaMin = r.optNumber("sigma_min");
    sigmaMax = r.optNumber("sigma_max");
    readSpacing(r);
    // diffusers only compares timestep_type with "continuous"; any other value means discrete
    r.keep("timestep_type", "discrete");
    Object timestepType = source.has("timestep_type") ? source.get("timestep_type") : "discrete";
    boolean zeroSnr = r.bool("rescale_betas_zero_snr", false);
    finalSigmas = r.option("final_sigmas_type", FinalSigmas.ZERO, FinalSigmas.values());
    config = r.effectiveConfig();
    continuousV = "continuous".equals(timestepType) && predictionType == PredictionType.V_PREDICTION;
    buildAlphas(zeroSnr);
  }

  /** Linear interpolation, or {@code torch.linspace(log(sigma_max), log(sigma_min), steps + 1).exp()}. */
  @Override
  double[] interpolateSigmas(float[] ts, float[] train, int steps) {
    if (!logLinear) {
      return interpolate(ts, train);
    }
    float[] l = SchedulerMath.linspace((float) Math.log(train[train.length - 1]), (float) Math.log(train[0]),
        steps + 1);
    double[] sig = new double[l.length];
    for (int i = 0; i < l.length; i++) {
      sig[i] = TorchFloatMath.exp(l[i]);
    }
    return sig;
  }

  @Override
  public void setTimesteps(int steps) {
    Schedule schedule = schedule(steps, sigmaKind, sigmaMin, sigmaMax);
    float last = finalSigmas == FinalSigmas.SIGMA_MIN
        ? (float) Math.sqrt((1f - alphasCumprod[0]) / alphasCumprod[0]) : 0f;
    float[] run = schedule.sigmasThen(last);
    float[] ts = schedule.timesteps();
    if (continuousV) {
      // timesteps = 0.25 * log(sigma) for every sigma but the last
      ts = new float[run.length - 1];
      for (int i = 0; i < ts.length; i++) {
        ts[i] = 0.25f * (float) Math.log(run[i]);
      }
    }
    setRun(run, ts);
  }

  @Override
  public FloatTensor step(FloatTensor modelOutput, double timestep, FloatTensor sample, StepContext ctx) {
    // 1. predicted x_0 (sigma_hat = sigma: no churn)
    StepStart s = startStep(modelOutput, timestep, sample);
    // 2. the ODE derivative d = (x - x_0) / sigma and an Euler step to the next sigma
    float[] prev = eulerMove(s.x(), s.x0(), s.sigma(), sigmas[s.index() + 1] - s.sigma());
    stepIndex = s.index() + 1;
    return sample.withData(prev);
  }
}
