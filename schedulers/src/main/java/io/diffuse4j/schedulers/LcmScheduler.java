package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import io.diffuse4j.schedulers.toolkit.PredictionType;
import java.util.Map;

/**
 * Latent Consistency Model multistep sampling, numerically equal to diffusers' {@code LCMScheduler}
 * (Luo et al., arXiv:2310.04378): timesteps are a subset of the {@code original_inference_steps}
 * skipping schedule used for distillation, each step maps the sample to the consistency
 * function's estimate {@code c_skip * x + c_out * x0} (boundary-condition scalings with
 * {@code timestep_scaling}), and every step but the last re-noises it to the next timestep with
 * a standard-normal draw from {@link StepContext#noise()}, as diffusers does.
 *
 * <pre>{@code
 * LcmScheduler s = new LcmScheduler(SchedulerConfig.of("LCMScheduler", Map.of()));
 * s.setTimesteps(4);            // text-to-image
 * s.setTimesteps(4, 0.5);       // image-to-image with strength 0.5
 * }</pre>
 *
 * <p>One instance holds the state of one run; not thread-safe.
 */
public final class LcmScheduler extends RunScheduler {

  /** diffusers' class name. */
  public static final String CLASS_NAME = "LCMScheduler";

  private static final float SIGMA_DATA = 0.5f;

  private final int originalInferenceSteps;
  private final boolean clipSample;
  private final double clipSampleRange;
  private final PredictionType predictionType;
  private final boolean thresholding;
  private final double thresholdRatio;
  private final double sampleMaxValue;
  private final double timestepScaling;
  private final float[] alphasCumprod;
  private final float finalAlphaCumprod;

  private int numInferenceSteps;

  /**
   * Builds the scheduler from a config of this or another class (unknown keys kept, missing keys
   * take diffusers' defaults).
   *
   * @throws IllegalArgumentException for configurations diffusers refuses, naming the key
   */
  public LcmScheduler(SchedulerConfig given) {
    super(CLASS_NAME);
    ConfigReader r = new ConfigReader(given == null ? SchedulerConfig.of(CLASS_NAME, Map.of()) : given, CLASS_NAME);
    this.numTrain = r.integer("num_train_timesteps", 1000);
    double betaStart = r.number("beta_start", 0.00085);
    double betaEnd = r.number("beta_end", 0.012);
    String schedule = r.choice("beta_schedule", "scaled_linear", "linear", "scaled_linear", "squaredcos_cap_v2");
    double[] trained = r.numbers("trained_betas");
    this.originalInferenceSteps = r.integer("original_inference_steps", 50);
    if (originalInferenceSteps < 1) {
      throw r.bad("original_inference_steps", originalInferenceSteps, "at least 1");
    }
    this.clipSample = r.bool("clip_sample", false);
    this.clipSampleRange = r.number("clip_sample_range", 1.0);
    boolean setAlphaToOne = r.bool("set_alpha_to_one", true);
    r.integer("steps_offset", 0);
    this.predictionType = r.option("prediction_type", PredictionType.EPSILON, PredictionType.EPSILON,
        PredictionType.SAMPLE, PredictionType.V_PREDICTION);
    this.thresholding = r.bool("thresholding", false);
    this.thresholdRatio = r.number("dynamic_thresholding_ratio", 0.995);
    this.sampleMaxValue = r.number("sample_max_value", 1.0);
    // LCM's set_timesteps ignores timestep_spacing; it is kept for the round trip
    r.keep("timestep_spacing", "leading");
    this.timestepScaling = r.number("timestep_scaling", 10.0);
    boolean zeroSnr = r.bool("rescale_betas_zero_snr", false);
    this.config = r.effectiveConfig();
    this.alphasCumprod = SchedulerMath.alphasCumprod(schedule, numTrain, betaStart, betaEnd, trained, zeroSnr);
    this.finalAlphaCumprod = setAlphaToOne ? 1f : alphasCumprod[0];
  }

  @Override
  public void setTimesteps(int numInferenceSteps) {
    setTimesteps(numInferenceSteps, originalInferenceSteps, 1.0);
  }

  /**
   * Image-to-image schedule: diffusers' {@code set_timesteps(n, strength=strength)}, which
   * shortens the distillation schedule to {@code int(original_inference_steps * strength)}
   * entries before picking {@code n} of them.
   *
   * @throws IllegalArgumentException when fewer than {@code n} distillation timesteps remain
   */
  @Override
  public void setTimesteps(int numInferenceSteps, double strength) {
    setTimesteps(numInferenceSteps, originalInferenceSteps, strength);
  }

  /**
   * diffusers' {@code set_timesteps(n, original_inference_steps=originalSteps, strength=strength)}.
   *
   * @throws IllegalArgumentException for the combinations diffusers refuses
   */
  public void setTimesteps(int numInferenceSteps, int originalSteps, double strength) {
    if (originalSteps > numTrain) {
      throw new IllegalArgumentException(CLASS_NAME + ": original_inference_steps = " + originalSteps
          + " cannot be larger than num_train_timesteps = " + numTrain);
    }
    if (originalSteps < 1) {
      throw new IllegalArgumentException(CLASS_NAME + ": original_inference_steps = " + originalSteps
          + " must be at least 1");
    }
    if (numInferenceSteps < 1) {
      throw new IllegalArgumentException(CLASS_NAME + ": num_inference_steps = " + numInferenceSteps
          + " must be at least 1");
    }
    if (numInferenceSteps > numTrain) {
      throw new IllegalArgumentException(CLASS_NAME + ": num_inference_steps = " + numInferenceSteps
          + " cannot be larger than num_train_timesteps = " + numTrain);
    }
    int k = numTrain / originalSteps;
    // lcm_origin_timesteps = arange(1, int(original_steps * strength) + 1) * k - 1
    int count = (int) (originalSteps * strength);
    if (count < 0) {
      count = 0;
    }
    int skipping = count / numInferenceSteps;
    if (skipping < 1) {
      throw new IllegalArgumentException(CLASS_NAME + ": original_inference_steps x strength = "
          + originalSteps + " x " + strength + " gives fewer than num_inference_steps = " + numInferenceSteps
          + " timesteps; lower num_inference_steps to at most " + count + " or raise strength to at least "
          + ((double) numInferenceSteps / originalSteps));
    }
    if (numInferenceSteps > originalSteps) {
      throw new IllegalArgumentException(CLASS_NAME + ": num_inference_steps = " + numInferenceSteps
          + " cannot be larger than original_inference_steps = " + originalSteps);
    }
    double[] origin = new double[count];
    for (int i = 0; i < count; i++) {
      // reversed: origin[i] = (count - i) * k - 1
      origin[i] = (double) (count - i) * k - 1;
    }
    double step = (double) count / numInferenceSteps;
    double[] ts = new double[numInferenceSteps];
    for (int i = 0; i < numInferenceSteps; i++) {
      ts[i] = origin[(int) Math.floor(i * step)];
    }
    this.numInferenceSteps = numInferenceSteps;
    startRun(ts);
  }

  @Override
  int indexForTimestep(double t) {
    int first = SchedulerMath.indexForTimestep(timesteps, t);
    if (first < 0) {
      throw new IllegalArgumentException(CLASS_NAME + ": timestep " + t + " is not in this run's schedule "
          + java.util.Arrays.toString(timesteps));
    }
    return first;
  }

  private int trainIndex(double t) {
    int i = (int) t;
    if (i != t || i < 0 || i >= alphasCumprod.length) {
      throw new IllegalArgumentException(CLASS_NAME + ": timestep " + t + " is not an integer in [0, "
          + alphasCumprod.length + ")");
    }
    return i;
  }

  @Override
  public FloatTensor step(FloatTensor modelOutput, double timestep, FloatTensor sample, StepContext context) {
    requireTimesteps();
    if (modelOutput.size() != sample.size()) {
      throw new IllegalArgumentException(CLASS_NAME + ": model output " + modelOutput + " does not match sample "
          + sample);
    }
    if (stepIndex == null) {
      stepIndex = beginIndex == null ? indexForTimestep(timestep) : beginIndex;
    }
    // 1. the previous timestep (the same one at the last step)
    int prevIndex = stepIndex + 1;
    double prevTimestep = prevIndex < timesteps.length ? timesteps[prevIndex] : timestep;

    // 2. alphas and betas
    float alphaProdT = alphasCumprod[trainIndex(timestep)];
    float alphaProdPrev = prevTimestep >= 0 ? alphasCumprod[trainIndex(prevTimestep)] : finalAlphaCumprod;
    float betaProdT = 1f - alphaProdT;
    float betaProdPrev = 1f - alphaProdPrev;

    // 3. boundary-condition scalings c_skip, c_out (consistency models, appendix C of arXiv:2303.01469)
    float scaled = (float) timestep * (float) timestepScaling;
    float sd2 = SIGMA_DATA * SIGMA_DATA;
    float denom = scaled * scaled + sd2;
    float cSkip = sd2 / denom;
    float cOut = scaled / MultistepMath.sqrtf(denom);

    // 4. the predicted original sample x0
    float[] x = sample.data();
    float[] eps = modelOutput.data();
    int n = x.length;
    float[] x0 = new float[n];
    float sqrtBeta = MultistepMath.sqrtf(betaProdT);
    float sqrtAlpha = MultistepMath.sqrtf(alphaProdT);
    switch (predictionType) {
      case EPSILON -> {
        for (int i = 0; i < n; i++) {
          x0[i] = (x[i] - sqrtBeta * eps[i]) / sqrtAlpha;
        }
      }
      case SAMPLE -> System.arraycopy(eps, 0, x0, 0, n);
      default -> {
        for (int i = 0; i < n; i++) {
          x0[i] = sqrtAlpha * x[i] - sqrtBeta * eps[i];
        }
      }
    }
    // 5. clip or threshold x0
    if (thresholding) {
      int batch = sample.rank() > 0 && sample.dim(0) > 0 ? sample.dim(0) : 1;
      SchedulerMath.threshold(x0, batch, thresholdRatio, sampleMaxValue);
    } else if (clipSample) {
      float r = (float) clipSampleRange;
      for (int i = 0; i < n; i++) {
        x0[i] = Math.max(-r, Math.min(r, x0[i]));
      }
    }
    // 6. the consistency-function estimate
    float[] denoised = new float[n];
    for (int i = 0; i < n; i++) {
      denoised[i] = cOut * x0[i] + cSkip * x[i];
    }
    // 7. re-noise to the previous timestep, except after the last step
    float[] prev = denoised;
    if (stepIndex != numInferenceSteps - 1) {
      if (context == null || context.noise() == null) {
        throw new IllegalArgumentException(CLASS_NAME + ": multistep LCM draws noise in step(); pass a"
            + " StepContext with a NoiseSource");
      }
      float[] z = context.noise().randn(sample.shape().clone()).data();
      float a = MultistepMath.sqrtf(alphaProdPrev);
      float b = MultistepMath.sqrtf(betaProdPrev);
      prev = new float[n];
      for (int i = 0; i < n; i++) {
        prev[i] = a * denoised[i] + b * z[i];
      }
    }
    stepIndex++;
    return FloatTensor.of(prev, sample.shape().clone());
  }

  @Override
  public FloatTensor addNoise(FloatTensor original, FloatTensor noise, double timestep) {
    float acp = alphasCumprod[trainIndex(timestep)];
    float a = MultistepMath.sqrtf(acp);
    float b = MultistepMath.sqrtf(1f - acp);
    float[] o = original.data();
    float[] z = noise.data();
    float[] r = new float[o.length];
    for (int i = 0; i < o.length; i++) {
      r[i] = a * o[i] + b * z[i];
    }
    return FloatTensor.of(r, original.shape().clone());
  }

  @Override
  public String toString() {
    return CLASS_NAME + "[original_inference_steps=" + originalInferenceSteps + "]";
  }
}
