package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import io.diffuse4j.schedulers.toolkit.PredictionType;

/**
 * What DPM-Solver and UniPC share, as their diffusers classes do: the run's timesteps and VP
 * sigmas (one more than the timesteps), the step index found from the timestep or from
 * {@code set_begin_index} with the same refusal past the end, {@code add_noise}
 * ({@code alpha_t x0 + sigma_t noise}) and the conversion of the model output to the data
 * prediction x0 or the noise prediction. Each subclass reads its own keys, sets the run with
 * {@link #setRun} and writes its own {@code step}. Not thread-safe: one instance per run.
 */
abstract class MultistepSolverScheduler extends RunScheduler {

  /** The run's sigmas, the final one included. */
  float[] sigmas;
  /** {@code solver_order}, {@code prediction_type} and the thresholding keys, set by {@link #readKeys}. */
  int solverOrder;
  PredictionType predictionType;
  boolean thresholding;
  double thresholdRatio;
  double sampleMaxValue;
  /** The last {@code solver_order} converted model outputs, newest last (diffusers' {@code model_outputs}). */
  float[][] modelOutputs;

  /**
   * The keys DPM-Solver and UniPC read alike, in diffusers' order and with their defaults.
   *
   * @param numTrain {@code num_train_timesteps}
   * @param betaStart {@code beta_start}
   * @param betaEnd {@code beta_end}
   * @param schedule {@code beta_schedule}
   * @param trained {@code trained_betas} or null
   * @param solverOrder {@code solver_order}
   * @param predictionType {@code prediction_type}
   * @param thresholding {@code thresholding}
   * @param thresholdRatio {@code dynamic_thresholding_ratio}
   * @param sampleMaxValue {@code sample_max_value}
   */
  record SolverKeys(int numTrain, double betaStart, double betaEnd, String schedule, double[] trained,
      int solverOrder, PredictionType predictionType, boolean thresholding, double thresholdRatio, double sampleMaxValue) {

    static SolverKeys read(ConfigReader r) {
      int numTrain = r.integer("num_train_timesteps", 1000);
      double betaStart = r.number("beta_start", 0.0001);
      double betaEnd = r.number("beta_end", 0.02);
      String schedule = r.choice("beta_schedule", "linear", "linear", "scaled_linear", "squaredcos_cap_v2");
      double[] trained = r.numbers("trained_betas");
      int solverOrder = r.integer("solver_order", 2);
      if (solverOrder < 1) {
        throw r.bad("solver_order", solverOrder, "1, 2 or 3");
      }
      return new SolverKeys(numTrain, betaStart, betaEnd, schedule, trained, solverOrder,
          r.option("prediction_type", PredictionType.EPSILON, PredictionType.EPSILON, PredictionType.SAMPLE,
              PredictionType.V_PREDICTION, PredictionType.FLOW_PREDICTION),
          r.bool("thresholding", false), r.number("dynamic_thresholding_ratio", 0.995),
          r.number("sample_max_value", 1.0));
    }

    /** {@code alphas_cumprod}; with zero-SNR rescaling the last one is 2^-24, as diffusers sets it. */
    float[] alphasCumprod(boolean zeroSnr) {
      float[] a = SchedulerMath.alphasCumprod(schedule, numTrain, betaStart, betaEnd, trained, zeroSnr);
      if (zeroSnr) {
        a[a.length - 1] = 0x1p-24f;
      }
      return a;
    }
  }

  MultistepSolverScheduler(String className) {
    super(className);
  }

  /** Reads the keys both classes share ({@link SolverKeys}) and keeps the solver's. */
  SolverKeys readKeys(ConfigReader r) {
    SolverKeys keys = SolverKeys.read(r);
    numTrain = keys.numTrain();
    solverOrder = keys.solverOrder();
    predictionType = keys.predictionType();
    thresholding = keys.thresholding();
    thresholdRatio = keys.thresholdRatio();
    sampleMaxValue = keys.sampleMaxValue();
    return keys;
  }

  /** Appends a converted model output to the history, dropping the oldest. */
  void pushModelOutput(float[] converted) {
    for (int i = 0; i < solverOrder - 1; i++) {
      modelOutputs[i] = modelOutputs[i + 1];
    }
    modelOutputs[solverOrder - 1] = converted;
  }

  /** Whether the sigmas are flow-matching ones ({@code alpha = 1 - sigma}) instead of VP ones ({@code use_flow_sigmas}). */
  boolean flowSigmas;

  /** {@code (alpha_t, sigma_t)} at {@code sigmas[index]} (VP or flow). */
  float[] alphaSigmaAt(int index) {
    return MultistepMath.alphaSigma(sigmas[index], flowSigmas);
  }

  /** {@code lambda_t = log(alpha_t) - log(sigma_t)} at {@code sigmas[index]}. */
  float lambdaAt(int index) {
    return MultistepMath.lambda(alphaSigmaAt(index));
  }

  /** Sets the run from its timesteps and sigmas; resets the step and begin indices. */
  void setRun(double[] runTimesteps, float[] runSigmas) {
    this.sigmas = runSigmas;
    startRun(runTimesteps);
  }

  /** The sigmas of the run (one more than timesteps: the final one), as diffusers' {@code sigmas}. */
  public float[] sigmas() {
    requireTimesteps();
    return sigmas.clone();
  }

  /** diffusers' {@code index_for_timestep}; a timestep not in the schedule steps from the last index. */
  @Override
  int indexForTimestep(double t) {
    int i = SchedulerMath.indexForTimestep(timesteps, t);
    return i >= 0 ? i : timesteps.length - 1;
  }

  /**
   * The step preamble: timesteps set, output and sample of one size, the step index found
   * ({@code _init_step_index}) and not past the run's end.
   */
  void beginStep(FloatTensor modelOutput, int modelOutputSize, FloatTensor sample, double timestep) {
    requireTimesteps();
    if (modelOutputSize != sample.size()) {
      throw new IllegalArgumentException(className + ": model output " + modelOutput + " does not match sample "
          + sample);
    }
    if (stepIndex == null) {
      stepIndex = beginIndex == null ? indexForTimestep(timestep) : beginIndex;
    }
    if (stepIndex >= timesteps.length) {
      throw new IllegalArgumentException(className + ": step " + (stepIndex + 1) + " is past the "
          + timesteps.length + " timesteps of the run (diffusers fails here too: when the first timestep is"
          + " repeated, as with Karras sigmas on a zero-SNR schedule, it starts at the second copy);"
          + " use fewer steps or another sigma schedule, or call setTimesteps again for a new run");
    }
  }

  /**
   * The model output {@code m} at sample {@code x} and the current step as the data prediction
   * x0 (before thresholding), for each prediction type.
   */
  float[] dataPrediction(PredictionType predictionType, float[] m, float[] x) {
    float sigma = sigmas[stepIndex];
    float[] as = MultistepMath.alphaSigma(sigma, flowSigmas);
    float alphaT = as[0];
    float sigmaT = as[1];
    int n = x.length;
    float[] r = new float[n];
    switch (predictionType) {
      case EPSILON -> {
        for (int i = 0; i < n; i++) {
          r[i] = (x[i] - sigmaT * m[i]) / alphaT;
        }
      }
      case SAMPLE -> System.arraycopy(m, 0, r, 0, n);
      case V_PREDICTION -> {
        for (int i = 0; i < n; i++) {
          r[i] = alphaT * x[i] - sigmaT * m[i];
        }
      }
      default -> { // flow_prediction
        for (int i = 0; i < n; i++) {
          r[i] = x[i] - sigma * m[i];
        }
      }
    }
    return r;
  }

  /** The model output {@code m} at sample {@code x} and the current step as the noise prediction epsilon. */
  float[] noisePrediction(PredictionType predictionType, float[] m, float[] x) {
    float[] as = MultistepMath.alphaSigma(sigmas[stepIndex], flowSigmas);
    float alphaT = as[0];
    float sigmaT = as[1];
    int n = x.length;
    float[] r = new float[n];
    switch (predictionType) {
      case EPSILON -> System.arraycopy(m, 0, r, 0, n);
      case SAMPLE -> {
        for (int i = 0; i < n; i++) {
          r[i] = (x[i] - alphaT * m[i]) / sigmaT;
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          r[i] = alphaT * m[i] + sigmaT * x[i];
        }
      }
    }
    return r;
  }

  @Override
  public FloatTensor addNoise(FloatTensor original, FloatTensor noise, double timestep) {
    int idx = addNoiseIndex(timestep);
    float[] as = MultistepMath.alphaSigma(sigmas[idx], flowSigmas);
    float[] o = original.data();
    float[] z = noise.data();
    float[] r = new float[o.length];
    for (int i = 0; i < o.length; i++) {
      r[i] = as[0] * o[i] + as[1] * z[i];
    }
    return FloatTensor.of(r, original.shape().clone());
  }
}
