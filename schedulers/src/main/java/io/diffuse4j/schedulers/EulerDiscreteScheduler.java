package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;

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

  private final String predictionType;
  private final String interpolationType;
  private final String sigmaKind;
  private final Double sigmaMin;
  private final Double sigmaMax;
  private final boolean continuousV;
  private final String finalSigmasType;

  /** A scheduler from a config (of this or another class: unknown keys are kept, missing ones default). */
  public EulerDiscreteScheduler(SchedulerConfig source) {
    super(CLASS_NAME);
    ConfigReader r = new ConfigReader(source, CLASS_NAME);
    readCommon(r, 0.0001, 0.02, new String[] {"linear", "scaled_linear", "squaredcos_cap_v2"});
    predictionType = r.choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample", "original_sample");
    interpolationType = r.choice("interpolation_type", "linear", "linear", "log_linear");
    boolean karras = r.bool("use_karras_sigmas", false);
    boolean exponential = r.bool("use_exponential_sigmas", false);
    boolean beta = r.bool("use_beta_sigmas", false);
    sigmaMin = r.optNumber("sigma_min");
    sigmaMax = r.optNumber("sigma_max");
    spacing = r.choice("timestep_spacing", "linspace", "linspace", "leading", "trailing");
    // diffusers only compares timestep_type with "continuous"; any other value means discrete
    r.keep("timestep_type", "discrete");
    Object timestepType = source.has("timestep_type") ? source.get("timestep_type") : "discrete";
    stepsOffset = r.integer("steps_offset", 0);
    boolean zeroSnr = r.bool("rescale_betas_zero_snr", false);
    finalSigmasType = r.choice("final_sigmas_type", "zero", "zero", "sigma_min");
    config = r.effectiveConfig();
    sigmaKind = sigmaKind(karras, exponential, beta);
    continuousV = "continuous".equals(timestepType) && "v_prediction".equals(predictionType);
    buildAlphas(zeroSnr);
  }

  @Override
  public void setTimesteps(int steps) {
    checkSteps(steps);
    float[] ts = SchedulerMath.sigmaTimesteps(spacing, numTrain, steps, stepsOffset);
    float[] train = trainingSigmas();
    double[] sig;
    if ("linear".equals(interpolationType)) {
      sig = interpolate(ts, train);
    } else {
      // torch.linspace(log(sigma_max), log(sigma_min), steps + 1).exp()
      float[] l = SchedulerMath.linspace((float) Math.log(train[train.length - 1]), (float) Math.log(train[0]),
          steps + 1);
      sig = new double[l.length];
      for (int i = 0; i < l.length; i++) {
        sig[i] = TorchFloatMath.exp(l[i]);
      }
    }
    if (!"none".equals(sigmaKind)) {
      sig = convert(sigmaKind, sig, sigmaMin, sigmaMax, steps);
      ts = sigmasToTimesteps(sig, train);
    }
    float last = "sigma_min".equals(finalSigmasType) ? (float) Math.sqrt((1f - alphasCumprod[0]) / alphasCumprod[0])
        : 0f;
    float[] run = new float[sig.length + 1];
    for (int i = 0; i < sig.length; i++) {
      run[i] = (float) sig[i];
    }
    run[sig.length] = last;
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
    Tensors.checkSameShape(modelOutput, sample, CLASS_NAME);
    int i = stepIndex(timestep);
    float sigma = sigmas[i];
    float[] x = sample.data();
    // 1. predicted x_0 (sigma_hat = sigma: no churn)
    float[] x0 = predictX0(predictionType, sigma, modelOutput.data(), x);
    // 2. the ODE derivative d = (x - x_0) / sigma and an Euler step to the next sigma
    float dt = sigmas[i + 1] - sigma;
    float[] prev = new float[x.length];
    for (int k = 0; k < x.length; k++) {
      float d = (x[k] - x0[k]) / sigma;
      prev[k] = x[k] + d * dt;
    }
    stepIndex = i + 1;
    return sample.withData(prev);
  }
}
