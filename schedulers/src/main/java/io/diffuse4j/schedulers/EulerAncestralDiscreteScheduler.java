package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import io.diffuse4j.schedulers.toolkit.PredictionType;
import io.diffuse4j.schedulers.toolkit.SigmaKind;

/**
 * Ancestral sampling with Euler steps (k-diffusion's {@code sample_euler_ancestral}), equal to
 * diffusers' {@code EulerAncestralDiscreteScheduler}: each step moves deterministically to
 * {@code sigma_down} and adds fresh noise of standard deviation {@code sigma_up}, drawn from
 * {@link StepContext#noise()} once per step (also on the last step), as diffusers draws it.
 * Config keys and defaults as diffusers' {@code __init__}: num_train_timesteps 1000, beta_start
 * 0.0001, beta_end 0.02, beta_schedule linear, trained_betas, prediction_type epsilon (or
 * v_prediction; diffusers does not implement sample), timestep_spacing linspace, steps_offset 0,
 * rescale_betas_zero_snr false.
 *
 * <pre>{@code
 * Scheduler s = new EulerAncestralDiscreteScheduler(modelConfig);
 * s.setTimesteps(30);
 * }</pre>
 *
 * <p>Not thread-safe: one instance per run.
 */
public final class EulerAncestralDiscreteScheduler extends SigmaScheduler {

  /** The diffusers class name. */
  public static final String CLASS_NAME = "EulerAncestralDiscreteScheduler";


  /** A scheduler from a config (of this or another class: unknown keys are kept, missing ones default). */
  public EulerAncestralDiscreteScheduler(SchedulerConfig source) {
    super(CLASS_NAME);
    ConfigReader r = readCommon(source);
    predictionType = r.option("prediction_type", PredictionType.EPSILON, PredictionType.EPSILON,
        PredictionType.V_PREDICTION);
    readSpacing(r);
    boolean zeroSnr = r.bool("rescale_betas_zero_snr", false);
    config = r.effectiveConfig();
    buildAlphas(zeroSnr);
  }

  @Override
  public void setTimesteps(int steps) {
    Schedule schedule = schedule(steps, SigmaKind.NONE, null, null);
    setRun(schedule.sigmasThen(0f), schedule.timesteps());
  }

  @Override
  public FloatTensor step(FloatTensor modelOutput, double timestep, FloatTensor sample, StepContext ctx) {
    // 1. predicted x_0
    StepStart s = startStep(modelOutput, timestep, sample);
    // 2. split the move to sigma_to into a deterministic part (to sigma_down) and fresh noise (sigma_up)
    float from = s.sigma();
    float to = sigmas[s.index() + 1];
    float to2 = to * to;
    float from2 = from * from;
    float sigmaUp = (float) Math.sqrt(to2 * (from2 - to2) / from2);
    float sigmaDown = (float) Math.sqrt(to2 - sigmaUp * sigmaUp);
    float[] prev = eulerMove(s.x(), s.x0(), from, sigmaDown - from);
    // 3. ancestral noise, drawn every step as diffusers does
    float[] z = ctx.noise().randn(modelOutput.shape()).data();
    for (int k = 0; k < prev.length; k++) {
      prev[k] = prev[k] + z[k] * sigmaUp;
    }
    stepIndex = s.index() + 1;
    return sample.withData(prev);
  }
}
