package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import io.diffuse4j.schedulers.toolkit.PredictionType;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * UniPC multistep predictor-corrector sampling, numerically equal to diffusers'
 * {@code UniPCMultistepScheduler} (Zhao et al., "UniPC", arXiv:2302.04867): UniP predictor and
 * UniC corrector of any order (usually 1 to 3), {@code bh1}/{@code bh2} B(h) choices, data
 * ({@code predict_x0}) or noise prediction, {@code lower_order_final}, {@code disable_corrector},
 * Karras, exponential, beta and flow sigmas and {@code final_sigmas_type}. Deterministic: it draws no
 * noise. Like diffusers, {@code solver_type=bh1} with {@code final_sigmas_type=zero} gives NaN at
 * the last step (B(h) is infinite there); use {@code sigma_min} or {@code bh2} with bh1 models.
 * Configurations diffusers refuses (unknown solver or prediction types, several sigma schedules,
 * {@code solver_p}, {@code use_dynamic_shifting} without a {@code mu}, schedules that repeat a
 * timestep so that diffusers runs past the end) throw {@link IllegalArgumentException}.
 *
 * <pre>{@code
 * Scheduler s = new UniPcMultistepScheduler(SchedulerConfig.of("UniPCMultistepScheduler",
 *     Map.of("beta_schedule", "scaled_linear", "solver_order", 3)));
 * s.setTimesteps(15);
 * }</pre>
 *
 * <p>One instance holds the history of one run; not thread-safe.
 */
public final class UniPcMultistepScheduler extends MultistepSolverScheduler {

  /** diffusers' class name. */
  public static final String CLASS_NAME = "UniPCMultistepScheduler";

  private final boolean predictX0;
  private final boolean bh1;
  private final boolean lowerOrderFinal;
  private final Set<Integer> disableCorrector;
  private final boolean karras;
  private final boolean exponential;
  private final boolean betaSigmas;
  private final double flowShift;
  private final String spacing;
  private final int stepsOffset;
  private final String finalSigmasType;
  private final Double sigmaMinConfig;
  private final Double sigmaMaxConfig;
  private final Double shiftTerminal;
  private final float[] alphasCumprod;

  private int lowerOrderNums;
  private int thisOrder;
  private float[] lastSample;
  private int batch = 1;

  /**
   * Builds the scheduler from a config of this or another class (unknown keys kept, missing keys
   * take diffusers' defaults).
   *
   * @throws IllegalArgumentException for configurations diffusers refuses, naming the key
   */
  public UniPcMultistepScheduler(SchedulerConfig given) {
    super(CLASS_NAME);
    SchedulerConfig source = given == null ? SchedulerConfig.of(CLASS_NAME, Map.of()) : given;
    Object solver = source.get("solver_type");
    if ("midpoint".equals(solver) || "heun".equals(solver) || "logrho".equals(solver)) {
      // diffusers maps DPM-Solver's solver types onto bh2
      source = source.with("solver_type", "bh2");
    }
    ConfigReader r = new ConfigReader(source, CLASS_NAME);
    SolverKeys keys = readKeys(r);
    this.predictX0 = r.bool("predict_x0", true);
    this.bh1 = "bh1".equals(r.choice("solver_type", "bh2", "bh1", "bh2"));
    this.lowerOrderFinal = r.bool("lower_order_final", true);
    double[] dc = r.numbers("disable_corrector");
    r.keep("disable_corrector", java.util.List.of());
    this.disableCorrector = new HashSet<>();
    if (dc != null) {
      for (double d : dc) {
        disableCorrector.add((int) d);
      }
    }
    r.keep("solver_p", null);
    this.karras = r.bool("use_karras_sigmas", false);
    this.exponential = r.bool("use_exponential_sigmas", false);
    this.betaSigmas = r.bool("use_beta_sigmas", false);
    boolean beta = betaSigmas;
    this.flowSigmas = r.bool("use_flow_sigmas", false);
    this.flowShift = r.number("flow_shift", 1.0);
    this.spacing = r.choice("timestep_spacing", "linspace", "linspace", "leading", "trailing");
    this.stepsOffset = r.integer("steps_offset", 0);
    this.finalSigmasType = r.choice("final_sigmas_type", "zero", "zero", "sigma_min");
    boolean zeroSnr = r.bool("rescale_betas_zero_snr", false);
    boolean dynamicShifting = r.bool("use_dynamic_shifting", false);
    r.keep("time_shift_type", "exponential");
    this.sigmaMinConfig = r.optNumber("sigma_min");
    this.sigmaMaxConfig = r.optNumber("sigma_max");
    this.shiftTerminal = r.optNumber("shift_terminal");
    this.config = r.effectiveConfig();

    if (source.get("solver_p") != null) {
      throw refuse("solver_p (an external predictor scheduler) is not supported; set it to null");
    }
    if (!predictX0 && predictionType == PredictionType.FLOW_PREDICTION) {
      throw refuse("prediction_type 'flow_prediction' needs predict_x0 = true");
    }
    if ((karras ? 1 : 0) + (exponential ? 1 : 0) + (beta ? 1 : 0) > 1) {
      throw refuse("only one of use_beta_sigmas, use_exponential_sigmas, use_karras_sigmas can be true");
    }
    if (shiftTerminal != null && !flowSigmas) {
      throw refuse("shift_terminal is only supported when use_flow_sigmas = true");
    }
    if (dynamicShifting) {
      throw refuse("use_dynamic_shifting = true needs a per-run mu that setTimesteps does not take; set it to"
          + " false and choose flow_shift instead");
    }
    this.alphasCumprod = keys.alphasCumprod(zeroSnr);
  }

  @Override
  public void setTimesteps(int numInferenceSteps) {
    checkSteps(numInferenceSteps);
    int n = numInferenceSteps;
    double[] ts = MultistepMath.spacedTimesteps(spacing, numTrain, numTrain, n, stepsOffset);
    double[] sig;
    double sigmaLast;
    boolean sigmaMin = "sigma_min".equals(finalSigmasType);
    if (karras || exponential || betaSigmas) {
      float[] all = MultistepMath.trainingSigmas(alphasCumprod);
      float[] logSigmas = MultistepMath.logs(all);
      double sMin = sigmaMinConfig != null ? sigmaMinConfig : all[0];
      double sMax = sigmaMaxConfig != null ? sigmaMaxConfig : all[all.length - 1];
      sig = karras ? SchedulerMath.karrasSigmas(sMin, sMax, n)
          : exponential ? MultistepMath.exponentialSigmas(sMin, sMax, n)
          : SchedulerMath.betaSigmas(sMin, sMax, n, 0.6, 0.6);
      ts = new double[n];
      if (karras && flowSigmas) {
        for (int i = 0; i < n; i++) {
          sig[i] = sig[i] / (sig[i] + 1);
          ts[i] = sig[i] * numTrain;
        }
      } else {
        for (int i = 0; i < n; i++) {
          double t = MultistepMath.sigmaToT(sig[i], logSigmas);
          ts[i] = karras ? Math.rint(t) : t;
        }
      }
      sigmaLast = sigmaMin ? sig[n - 1] : 0;
    } else if (flowSigmas) {
      sig = new double[n];
      double step = (1.0 / numTrain - 1.0) / n;
      for (int i = 0; i < n; i++) {
        double v = i * step + 1.0;
        sig[i] = flowShift * v / (1 + (flowShift - 1) * v);
      }
      if (shiftTerminal != null && shiftTerminal != 0) {
        double scale = (1 - sig[n - 1]) / (1 - shiftTerminal);
        for (int i = 0; i < n; i++) {
          sig[i] = 1 - (1 - sig[i]) / scale;
        }
      }
      if (Math.abs(sig[0] - 1) < 1e-6) {
        sig[0] -= 1e-6;
      }
      ts = new double[n];
      for (int i = 0; i < n; i++) {
        ts[i] = sig[i] * numTrain;
      }
      sigmaLast = sigmaMin ? sig[n - 1] : 0;
    } else {
      float[] all = MultistepMath.trainingSigmas(alphasCumprod);
      sig = new double[ts.length];
      for (int i = 0; i < ts.length; i++) {
        // np.interp(timesteps, arange(len(sigmas)), sigmas): exact at integer timesteps, clamped at the ends
        // ("leading" spacing with steps_offset gives num_train_timesteps itself for ~num_train_timesteps steps)
        sig[i] = all[Math.max(0, Math.min(all.length - 1, (int) ts[i]))];
      }
      float a0 = alphasCumprod[0];
      sigmaLast = sigmaMin ? MultistepMath.sqrtf((1f - a0) / a0) : 0;
    }
    for (int i = 0; i < ts.length; i++) {
      ts[i] = (double) (long) ts[i];
    }
    float[] out = new float[sig.length + 1];
    for (int i = 0; i < sig.length; i++) {
      out[i] = (float) sig[i];
    }
    out[sig.length] = (float) sigmaLast;
    setRun(ts, out);
    this.modelOutputs = new float[solverOrder][];
    this.lowerOrderNums = 0;
    this.thisOrder = 0;
    this.lastSample = null;
  }

  /** The model output as the data prediction x0 (predict_x0) or the noise prediction epsilon. */
  private float[] convertModelOutput(float[] m, float[] x) {
    if (predictX0) {
      float[] r = dataPrediction(predictionType, m, x);
      if (thresholding) {
        SchedulerMath.threshold(r, batch, thresholdRatio, sampleMaxValue);
      }
      return r;
    }
    return noisePrediction(predictionType, m, x);
  }


  @Override
  public FloatTensor step(FloatTensor modelOutput, double timestep, FloatTensor sample, StepContext context) {
    beginStep(modelOutput, modelOutput.size(), sample, timestep);
    batch = sample.rank() > 0 && sample.dim(0) > 0 ? sample.dim(0) : 1;
    // 1. UniC corrects the sample of the previous step with this model output (unless disabled)
    boolean useCorrector = stepIndex > 0 && !disableCorrector.contains(stepIndex - 1) && lastSample != null;

    float[] x = sample.data();
    float[] converted = convertModelOutput(modelOutput.data(), x);
    if (useCorrector) {
      x = correct(converted, lastSample, x, thisOrder);
    }
    // 2. history of model outputs
    pushModelOutput(converted);

    // 3. UniP predicts the next sample with the order the history (and lower_order_final) allows
    int order = lowerOrderFinal ? Math.min(solverOrder, timesteps.length - stepIndex) : solverOrder;
    thisOrder = Math.min(order, lowerOrderNums + 1);
    lastSample = x;
    float[] prev = predict(x, thisOrder);
    if (lowerOrderNums < solverOrder) {
      lowerOrderNums++;
    }
    stepIndex++;
    return FloatTensor.of(prev, sample.shape().clone());
  }

  /** The coefficients shared by UniP and UniC (section 3 of arXiv:2302.04867). */
  private record Coefficients(float hh, float hPhi1, float bh, float[] rks, float[][] r, float[] b) {}

  private Coefficients coefficients(float h, float[] rksBeforeOne, int order) {
    float[] rks = new float[rksBeforeOne.length + 1];
    System.arraycopy(rksBeforeOne, 0, rks, 0, rksBeforeOne.length);
    rks[rksBeforeOne.length] = 1f;
    float hh = predictX0 ? -h : h;
    float hPhi1 = MultistepMath.expm1f(hh); // h * phi_1(h) = e^h - 1
    float hPhiK = hPhi1 / hh - 1f;
    long factorial = 1;
    float bh = bh1 ? hh : MultistepMath.expm1f(hh);
    float[][] r = new float[order][];
    float[] b = new float[order];
    for (int i = 1; i <= order; i++) {
      float[] row = new float[rks.length];
      for (int k = 0; k < rks.length; k++) {
        row[k] = pow(rks[k], i - 1);
      }
      r[i - 1] = row;
      b[i - 1] = hPhiK * (float) factorial / bh;
      factorial *= i + 1;
      hPhiK = hPhiK / hh - (float) (1.0 / factorial);
    }
    return new Coefficients(hh, hPhi1, bh, rks, r, b);
  }

  private static float pow(float x, int e) {
    return switch (e) {
      case 0 -> 1f;
      case 1 -> x;
      case 2 -> x * x;
      default -> (float) Math.pow(x, e);
    };
  }

  /** UniP: the order-{@code order} predictor from the current sample (eq. (6) of arXiv:2302.04867). */
  private float[] predict(float[] x, int order) {
    int n = x.length;
    Update u = update(stepIndex, order, n);
    float[] m0 = u.m0();
    float[][] d1s = u.d1s();
    Coefficients c = u.c();
    float[] rhos = null;
    if (order - 1 > 0) {
      if (order == 2) {
        rhos = new float[] {0.5f};
      } else {
        float[][] a = new float[order - 1][order - 1];
        float[] rhs = new float[order - 1];
        for (int i = 0; i < order - 1; i++) {
          System.arraycopy(c.r()[i], 0, a[i], 0, order - 1);
          rhs[i] = c.b()[i];
        }
        rhos = MultistepMath.solve(a, rhs);
      }
    }
    float c0 = u.c0();
    float c1 = u.c1();
    float c2 = u.c2();
    float[] out = new float[n];
    for (int j = 0; j < n; j++) {
      float base = c0 * x[j] - c1 * m0[j];
      float res = 0f;
      if (rhos != null) {
        res = rhos[0] * d1s[0][j];
        for (int k = 1; k < rhos.length; k++) {
          res += rhos[k] * d1s[k][j];
        }
        out[j] = base - c2 * res;
      } else {
        out[j] = base - c2 * 0f;
      }
    }
    return out;
  }

  /** UniC: corrects {@code thisSample} with the new model output (eq. (7) of arXiv:2302.04867). */
  private float[] correct(float[] modelT, float[] last, float[] thisSample, int order) {
    int n = thisSample.length;
    Update u = update(stepIndex - 1, order, n);
    float[] m0 = u.m0();
    float[][] d1s = u.d1s();
    Coefficients c = u.c();
    float[] rhos = order == 1 ? new float[] {0.5f} : MultistepMath.solve(c.r(), c.b());
    float c0 = u.c0();
    float c1 = u.c1();
    float c2 = u.c2();
    float rhoLast = rhos[rhos.length - 1];
    float[] out = new float[n];
    for (int j = 0; j < n; j++) {
      float base = c0 * last[j] - c1 * m0[j];
      float corr;
      float d1t = modelT[j] - m0[j];
      if (order > 1) {
        float res = rhos[0] * d1s[0][j];
        for (int k = 1; k < order - 1; k++) {
          res += rhos[k] * d1s[k][j];
        }
        corr = res + rhoLast * d1t;
      } else {
        corr = 0f + rhoLast * d1t;
      }
      out[j] = base - c2 * corr;
    }
    return out;
  }

  /**
   * What the predictor and the corrector share for the move from {@code sigmas[from]} to
   * {@code sigmas[from + 1]}: the newest model output {@code m0}, the differences {@code D1s},
   * the B(h) coefficients, and the scalars of {@code c0 x - c1 m0 - c2 (sum rho D1)}
   * ({@code x_t = sigma_t / sigma_s0 x - alpha_t h_phi_1 m0 - ...} for the data prediction).
   */
  private Update update(int from, int order, int n) {
    float[] t = MultistepMath.alphaSigma(sigmas[from + 1], flowSigmas);
    float[] s0 = MultistepMath.alphaSigma(sigmas[from], flowSigmas);
    float lambdaS0 = MultistepMath.lambda(s0);
    float h = MultistepMath.lambda(t) - lambdaS0;
    float[] rks = new float[order - 1];
    float[][] d1s = differences(order, stepIndex - from, lambdaS0, h, rks, n);
    Coefficients c = coefficients(h, rks, order);
    float c0 = predictX0 ? t[1] / s0[1] : t[0] / s0[0];
    float scale = predictX0 ? t[0] : t[1];
    return new Update(modelOutputs[solverOrder - 1], d1s, c, c0, scale * c.hPhi1(), scale * c.bh());
  }

  /** The shared part of a UniP or UniC update ({@link #update}). */
  private record Update(float[] m0, float[][] d1s, Coefficients c, float c0, float c1, float c2) { }

  /**
   * UniPC's {@code D1s}: {@code (m_i - m_0) / r_k} for the {@code order - 1} earlier model outputs,
   * the k-th at step {@code stepIndex - (k + offset)} (offset 0 for the predictor, 1 for the
   * corrector); fills {@code rks} with the {@code r_k = (lambda_k - lambda_s0) / h}.
   */
  private float[][] differences(int order, int offset, float lambdaS0, float h, float[] rks, int n) {
    float[] m0 = modelOutputs[solverOrder - 1];
    float[][] d1s = new float[order - 1][];
    for (int i = 1; i < order; i++) {
      int si = stepIndex - (i + offset);
      float[] mi = modelOutputs[solverOrder - 1 - i];
      float lambdaSi = MultistepMath.lambda(MultistepMath.alphaSigma(sigmas[si], flowSigmas));
      float rk = (lambdaSi - lambdaS0) / h;
      rks[i - 1] = rk;
      float[] d = new float[n];
      for (int j = 0; j < n; j++) {
        d[j] = (mi[j] - m0[j]) / rk;
      }
      d1s[i - 1] = d;
    }
    return d1s;
  }

  @Override
  public String toString() {
    return CLASS_NAME + "[order=" + solverOrder + ", " + (bh1 ? "bh1" : "bh2") + "]";
  }
}
