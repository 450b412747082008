package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;

/**
 * Denoising Diffusion Implicit Models (Song et al., 2020, https://arxiv.org/abs/2010.02502),
 * equal to diffusers' {@code DDIMScheduler}. Config keys and defaults as diffusers'
 * {@code __init__}: num_train_timesteps 1000, beta_start 0.0001, beta_end 0.02, beta_schedule
 * linear, trained_betas, clip_sample true, set_alpha_to_one true, steps_offset 0, prediction_type
 * epsilon, thresholding false, dynamic_thresholding_ratio 0.995, clip_sample_range 1.0,
 * sample_max_value 1.0, timestep_spacing leading, rescale_betas_zero_snr false. Eta comes from
 * the {@link StepContext}. Not thread-safe: one instance per run.
 */
public final class DdimScheduler implements Scheduler {

  /** The diffusers class name. */
  public static final String CLASS_NAME = "DDIMScheduler";

  private final SchedulerConfig config;
  private final int numTrain;
  private final float[] alphasCumprod;
  private final float finalAlphaCumprod;
  private final boolean clipSample;
  private final double clipSampleRange;
  private final int stepsOffset;
  private final String predictionType;
  private final boolean thresholding;
  private final double thresholdRatio;
  private final double sampleMaxValue;
  private final String spacing;
  private int numInferenceSteps;
  private double[] timesteps = new double[0];

  /** A scheduler from a config (of this or another class: unknown keys are kept, missing ones default). */
  public DdimScheduler(SchedulerConfig source) {
    ConfigReader r = new ConfigReader(source, CLASS_NAME);
    numTrain = r.integer("num_train_timesteps", 1000);
    double betaStart = r.number("beta_start", 0.0001);
    double betaEnd = r.number("beta_end", 0.02);
    String schedule = r.choice("beta_schedule", "linear", "linear", "scaled_linear", "squaredcos_cap_v2");
    double[] trained = r.numbers("trained_betas");
    clipSample = r.bool("clip_sample", true);
    boolean setAlphaToOne = r.bool("set_alpha_to_one", true);
    stepsOffset = r.integer("steps_offset", 0);
    predictionType = r.choice("prediction_type", "epsilon", "epsilon", "sample", "v_prediction");
    thresholding = r.bool("thresholding", false);
    thresholdRatio = r.number("dynamic_thresholding_ratio", 0.995);
    clipSampleRange = r.number("clip_sample_range", 1.0);
    sampleMaxValue = r.number("sample_max_value", 1.0);
    spacing = r.choice("timestep_spacing", "leading", "leading", "linspace", "trailing");
    boolean zeroSnr = r.bool("rescale_betas_zero_snr", false);
    if (numTrain < 1) {
      throw r.bad("num_train_timesteps", numTrain, "a positive integer");
    }
    alphasCumprod = SchedulerMath.alphasCumprod(schedule, numTrain, betaStart, betaEnd, trained, zeroSnr);
    finalAlphaCumprod = setAlphaToOne ? 1f : alphasCumprod[0];
    config = r.effectiveConfig();
  }

  @Override
  public SchedulerConfig config() {
    return config;
  }

  @Override
  public int numTrainTimesteps() {
    return numTrain;
  }

  @Override
  public void setTimesteps(int steps) {
    if (steps < 1 || steps > numTrain) {
      throw new IllegalArgumentException(CLASS_NAME + ": num_inference_steps must be between 1 and num_train_timesteps ("
          + numTrain + "), got " + steps);
    }
    numInferenceSteps = steps;
    long[] t = SchedulerMath.spacedTimesteps(spacing, numTrain, steps, stepsOffset);
    timesteps = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      timesteps[i] = t[i];
    }
  }

  @Override
  public double[] timesteps() {
    return timesteps.clone();
  }

  @Override
  public void setBeginIndex(int beginIndex) {
    // DDIM is driven by the timestep values alone.
  }

  @Override
  public double initNoiseSigma() {
    return 1.0;
  }

  private float alphaAt(int t) {
    if (t < 0 || t >= numTrain) {
      throw new IllegalArgumentException(CLASS_NAME + ": timestep " + t + " is outside [0, " + numTrain + ")");
    }
    return alphasCumprod[t];
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
    float[] x0 = new float[n];
    float[] eps = new float[n];
    // 3. predicted original sample x_0 and noise, "predicted x_0" of formula (12)
    for (int i = 0; i < n; i++) {
      switch (predictionType) {
        case "epsilon" -> {
          x0[i] = (x[i] - sqrtB * m[i]) / sqrtA;
          eps[i] = m[i];
        }
        case "sample" -> {
          x0[i] = m[i];
          eps[i] = (x[i] - sqrtA * x0[i]) / sqrtB;
        }
        default -> { // v_prediction
          x0[i] = sqrtA * x[i] - sqrtB * m[i];
          eps[i] = sqrtA * m[i] + sqrtB * x[i];
        }
      }
    }
    // 4. clip or threshold x_0
    if (thresholding) {
      SchedulerMath.threshold(x0, sample.dim(0), thresholdRatio, sampleMaxValue);
    } else if (clipSample) {
      float r = (float) clipSampleRange;
      for (int i = 0; i < n; i++) {
        x0[i] = Math.max(-r, Math.min(r, x0[i]));
      }
    }
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

  @Override
  public FloatTensor addNoise(FloatTensor original, FloatTensor noise, double timestep) {
    float a = alphaAt((int) timestep);
    return Tensors.axpby(Math.sqrt(a), original, Math.sqrt(1 - a), noise);
  }
}
