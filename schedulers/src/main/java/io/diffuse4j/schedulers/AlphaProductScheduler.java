package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import io.diffuse4j.schedulers.toolkit.PredictionType;
import io.diffuse4j.schedulers.toolkit.TimestepSpacing;
import java.util.Arrays;

/**
 * What DDPM and DDIM share, as diffusers' classes do: the training schedule ({@code alphas_cumprod}
 * from the beta keys), integer timestep spacing, the predicted original sample of each prediction
 * type with clipping or dynamic thresholding, and {@code add_noise}. Each subclass reads its own keys
 * and writes its own {@code step}. Not thread-safe: one instance per run.
 */
abstract class AlphaProductScheduler extends ConfiguredScheduler {

  /** The config as the scheduler uses it (set by the subclass constructor once all keys are read). */
  protected final String className;
  protected final float[] alphasCumprod;
  protected final boolean clipSample;
  protected final double clipSampleRange;
  protected final int stepsOffset;
  protected final PredictionType predictionType;
  protected final boolean thresholding;
  protected final double thresholdRatio;
  protected final double sampleMaxValue;
  protected final TimestepSpacing spacing;
  protected int numInferenceSteps;
  protected double[] timesteps = new double[0];

  /**
   * Reads the keys both classes share, with diffusers' defaults.
   *
   * @param betaSchedules the beta schedules this class accepts
   */
  AlphaProductScheduler(ConfigReader r, String className, String... betaSchedules) {
    this.className = className;
    numTrain = r.integer("num_train_timesteps", 1000);
    double betaStart = r.number("beta_start", 0.0001);
    double betaEnd = r.number("beta_end", 0.02);
    String schedule = r.choice("beta_schedule", "linear", betaSchedules);
    double[] trained = r.numbers("trained_betas");
    clipSample = r.bool("clip_sample", true);
    predictionType = r.option("prediction_type", PredictionType.EPSILON, PredictionType.EPSILON, PredictionType.SAMPLE,
        PredictionType.V_PREDICTION);
    thresholding = r.bool("thresholding", false);
    thresholdRatio = r.number("dynamic_thresholding_ratio", 0.995);
    clipSampleRange = r.number("clip_sample_range", 1.0);
    sampleMaxValue = r.number("sample_max_value", 1.0);
    spacing = r.option("timestep_spacing", TimestepSpacing.LEADING, TimestepSpacing.LEADING, TimestepSpacing.LINSPACE,
        TimestepSpacing.TRAILING);
    stepsOffset = r.integer("steps_offset", 0);
    boolean zeroSnr = r.bool("rescale_betas_zero_snr", false);
    if (numTrain < 1) {
      throw r.bad("num_train_timesteps", numTrain, "a positive integer");
    }
    alphasCumprod = SchedulerMath.alphasCumprod(schedule, numTrain, betaStart, betaEnd, trained, zeroSnr);
  }

  @Override
  public void setTimesteps(int steps) {
    if (steps < 1 || steps > numTrain) {
      throw new IllegalArgumentException(className + ": num_inference_steps must be between 1 and num_train_timesteps ("
          + numTrain + "), got " + steps);
    }
    long[] t = spacing.integerTimesteps(numTrain, steps, stepsOffset);
    SchedulerMath.requireInTrainingRange(className, steps, stepsOffset, numTrain, Arrays.stream(t).max().orElse(0),
        n -> Arrays.stream(spacing.integerTimesteps(numTrain, n, stepsOffset)).max().orElse(0));
    numInferenceSteps = steps;
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
    // driven by the timestep values alone
  }

  @Override
  public double initNoiseSigma() {
    return 1.0;
  }

  /** {@code alphas_cumprod[t]}, refusing timesteps outside the training range. */
  protected float alphaAt(int t) {
    if (t < 0 || t >= numTrain) {
      throw new IllegalArgumentException(className + ": timestep " + t + " is outside [0, " + numTrain + ")");
    }
    return alphasCumprod[t];
  }

  /**
   * The predicted original sample x_0 (formula (15) of the DDPM paper, or v-prediction's
   * {@code sqrt(a) x - sqrt(1 - a) v}), clipped or thresholded as configured.
   */
  protected float[] predictOriginal(float[] x, float[] m, float alphaProdT, int batch) {
    float sqrtA = (float) Math.sqrt(alphaProdT);
    float sqrtB = (float) Math.sqrt(1 - alphaProdT);
    float[] x0 = new float[x.length];
    switch (predictionType) {
      case EPSILON -> {
        for (int i = 0; i < x.length; i++) {
          x0[i] = (x[i] - sqrtB * m[i]) / sqrtA;
        }
      }
      case SAMPLE -> System.arraycopy(m, 0, x0, 0, x.length);
      default -> {
        for (int i = 0; i < x.length; i++) {
          x0[i] = sqrtA * x[i] - sqrtB * m[i];
        }
      }
    }
    if (thresholding) {
      SchedulerMath.threshold(x0, batch, thresholdRatio, sampleMaxValue);
    } else if (clipSample) {
      float r = (float) clipSampleRange;
      for (int i = 0; i < x0.length; i++) {
        x0[i] = Math.max(-r, Math.min(r, x0[i]));
      }
    }
    return x0;
  }

  @Override
  public FloatTensor addNoise(FloatTensor original, FloatTensor noise, double timestep) {
    float a = alphaAt((int) timestep);
    return Tensors.axpby(Math.sqrt(a), original, Math.sqrt(1 - a), noise);
  }
}
