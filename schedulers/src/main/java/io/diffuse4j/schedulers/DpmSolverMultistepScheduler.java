package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import io.diffuse4j.schedulers.toolkit.ConfigValue;
import io.diffuse4j.schedulers.toolkit.FinalSigmas;
import io.diffuse4j.schedulers.toolkit.PredictionType;
import java.util.Arrays;
import java.util.Map;

/**
 * DPM-Solver and DPM-Solver++ multistep sampling, numerically equal to diffusers'
 * {@code DPMSolverMultistepScheduler} (Lu et al., "DPM-Solver" arXiv:2206.00927 and
 * "DPM-Solver++" arXiv:2211.01095): algorithm types {@code dpmsolver++}, {@code dpmsolver},
 * {@code sde-dpmsolver++} and {@code sde-dpmsolver} (the SDE variants draw one standard-normal
 * tensor per step from {@link StepContext#noise()}, as diffusers does), solver orders 1 to 3,
 * {@code midpoint}/{@code heun} second-order forms, Karras, exponential, beta, LU-lambda and flow
 * sigmas, {@code lambda_min_clipped}, thresholding and every prediction type.
 *
 * <pre>{@code
 * Scheduler s = new DpmSolverMultistepScheduler(SchedulerConfig.of("DPMSolverMultistepScheduler",
 *     Map.of("beta_schedule", "scaled_linear", "use_karras_sigmas", true)));
 * s.setTimesteps(20);
 * }</pre>
 *
 * <p>One instance holds the history of one run; not thread-safe.
 */
public final class DpmSolverMultistepScheduler extends MultistepSolverScheduler {

  /** diffusers' class name. */
  public static final String CLASS_NAME = "DPMSolverMultistepScheduler";

  private final Algorithm algorithmType;
  private final boolean midpoint;
  private final boolean lowerOrderFinal;
  private final boolean eulerAtFinal;
  private final boolean karras;
  private final boolean exponential;
  private final boolean betaSigmas;
  private final boolean luLambdas;
  private final double flowShift;
  private final FinalSigmas finalSigmasType;
  private final double lambdaMinClipped;
  private final String varianceType;
  private final String spacing;
  private final int stepsOffset;
  private final boolean cosineBetas;
  private final float[] alphasCumprod;

  private int lowerOrderNums;
  private int batch = 1;

  /**
   * Builds the scheduler from a config of this or another class (unknown keys are kept, missing
   * keys take diffusers' defaults).
   *
   * @throws IllegalArgumentException for configurations diffusers refuses, naming the key
   */
  public DpmSolverMultistepScheduler(SchedulerConfig given) {
    super(CLASS_NAME);
    SchedulerConfig source = given == null ? SchedulerConfig.of(CLASS_NAME, Map.of()) : given;
    // diffusers maps a few foreign values onto its own (deis -> dpmsolver++, UniPC's bh*/logrho -> midpoint)
    Object algorithm = source.has("algorithm_type") ? source.get("algorithm_type") : "dpmsolver++";
    Object solver = source.get("solver_type");
    if ("deis".equals(algorithm)) {
      source = source.with("algorithm_type", "dpmsolver++");
    }
    if ("logrho".equals(solver) || "bh1".equals(solver) || "bh2".equals(solver)) {
      source = source.with("solver_type", "midpoint");
    }
    ConfigReader r = new ConfigReader(source, CLASS_NAME);
    SolverKeys keys = readKeys(r);
    this.algorithmType = r.option("algorithm_type", Algorithm.DPMSOLVER_PP, Algorithm.values());
    this.midpoint = "midpoint".equals(r.choice("solver_type", "midpoint", "midpoint", "heun"));
    this.lowerOrderFinal = r.bool("lower_order_final", true);
    this.eulerAtFinal = r.bool("euler_at_final", false);
    this.karras = r.bool("use_karras_sigmas", false);
    this.exponential = r.bool("use_exponential_sigmas", false);
    this.betaSigmas = r.bool("use_beta_sigmas", false);
    boolean beta = betaSigmas;
    this.luLambdas = r.bool("use_lu_lambdas", false);
    this.flowSigmas = r.bool("use_flow_sigmas", false);
    this.flowShift = r.number("flow_shift", 1.0);
    this.finalSigmasType = r.option("final_sigmas_type", FinalSigmas.ZERO, FinalSigmas.values());
    this.lambdaMinClipped = r.number("lambda_min_clipped", Double.NEGATIVE_INFINITY);
    r.keep("variance_type", null);
    // diffusers acts on learned / learned_range only (keeping 3 channels) and ignores other values
    Object vt = source.get("variance_type");
    this.varianceType = "learned".equals(vt) || "learned_range".equals(vt) ? (String) vt : null;
    this.spacing = r.choice("timestep_spacing", "linspace", "linspace", "leading", "trailing");
    this.stepsOffset = r.integer("steps_offset", 0);
    boolean zeroSnr = r.bool("rescale_betas_zero_snr", false);
    r.bool("use_dynamic_shifting", false);
    r.keep("time_shift_type", "exponential");
    this.config = r.effectiveConfig();

    if ((karras ? 1 : 0) + (exponential ? 1 : 0) + (beta ? 1 : 0) > 1) {
      throw refuse("only one of use_beta_sigmas, use_exponential_sigmas, use_karras_sigmas can be true");
    }
    // diffusers checks the value as given (deis too is refused here)
    if ((!algorithmType.dataPrediction() || "deis".equals(algorithm)) && finalSigmasType == FinalSigmas.ZERO) {
      throw refuse("final_sigmas_type 'zero' is not supported with algorithm_type '" + algorithm
          + "'; set final_sigmas_type to 'sigma_min'");
    }
    if (predictionType == PredictionType.FLOW_PREDICTION && !algorithmType.dataPrediction()) {
      throw refuse("prediction_type 'flow_prediction' needs algorithm_type 'dpmsolver++' or 'sde-dpmsolver++'"
          + " (it is '" + algorithmType.configValue() + "')");
    }
    this.cosineBetas = "squaredcos_cap_v2".equals(keys.schedule());
    this.alphasCumprod = keys.alphasCumprod(zeroSnr);
  }

  @Override
  public void setTimesteps(int numInferenceSteps) {
    checkSteps(numInferenceSteps);
    int n = numInferenceSteps;
    double[] ts;
    int last = MultistepMath.lastTimestepAfterLambdaClip(alphasCumprod, lambdaMinClipped);
    ts = MultistepMath.spacedTimesteps(spacing, numTrain, last, n, stepsOffset);
    float[] allSigmas = MultistepMath.trainingSigmas(alphasCumprod);
    float[] logSigmas = MultistepMath.logs(allSigmas);
    double[] sig;
    // diffusers' order of precedence: Karras, LU lambdas, exponential, beta, flow, plain
    if (karras || luLambdas) {
      if (karras) {
        sig = SchedulerMath.karrasSigmas(allSigmas[0], allSigmas[allSigmas.length - 1], n);
      } else {
        double[] lambdas = MultistepMath.luLambdas(logSigmas[logSigmas.length - 1], logSigmas[0], n);
        sig = new double[n];
        for (int i = 0; i < n; i++) {
          sig[i] = Math.exp(lambdas[i]);
        }
      }
      ts = new double[n];
      for (int i = 0; i < n; i++) {
        double t = MultistepMath.sigmaToT(sig[i], logSigmas);
        ts[i] = cosineBetas ? t : Math.rint(t);
      }
    } else if (exponential || betaSigmas) {
      double sMin = allSigmas[0];
      double sMax = allSigmas[allSigmas.length - 1];
      sig = exponential ? MultistepMath.exponentialSigmas(sMin, sMax, n)
          : SchedulerMath.betaSigmas(sMin, sMax, n, 0.6, 0.6);
      ts = new double[n];
      for (int i = 0; i < n; i++) {
        ts[i] = MultistepMath.sigmaToT(sig[i], logSigmas);
      }
    } else if (flowSigmas) {
      sig = new double[n];
      ts = new double[n];
      double step = (1.0 / numTrain - 1.0) / n;
      for (int i = 0; i < n; i++) {
        // alphas = linspace(1, 1/T, n+1); sigmas = 1 - alphas, shifted, flipped, last dropped
        int j = n - i;
        double alpha = j == n ? 1.0 / numTrain : j * step + 1.0;
        double sg = 1.0 - alpha;
        sig[i] = flowShift * sg / (1 + (flowShift - 1) * sg);
        ts[i] = sig[i] * numTrain;
      }
    } else {
      sig = new double[ts.length];
      for (int i = 0; i < ts.length; i++) {
        sig[i] = interp(ts[i], allSigmas);
      }
    }
    // timesteps become int64 (truncation toward zero)
    for (int i = 0; i < ts.length; i++) {
      ts[i] = (double) (long) ts[i];
    }
    float sigmaLast;
    if (finalSigmasType == FinalSigmas.SIGMA_MIN) {
      float a0 = alphasCumprod[0];
      sigmaLast = MultistepMath.sqrtf((1f - a0) / a0);
    } else {
      sigmaLast = 0f;
    }
    float[] out = new float[sig.length + 1];
    for (int i = 0; i < sig.length; i++) {
      out[i] = (float) sig[i];
    }
    out[sig.length] = sigmaLast;
    setRun(ts, out);
    this.modelOutputs = new float[solverOrder][];
    this.lowerOrderNums = 0;
  }

  /** {@code np.interp(t, arange(len), values)} with numpy's clamping at the ends. */
  private static double interp(double t, float[] values) {
    if (t <= 0) {
      return values[0];
    }
    int last = values.length - 1;
    if (t >= last) {
      return values[last];
    }
    int i = (int) Math.floor(t);
    double frac = t - i;
    return frac == 0 ? values[i] : values[i] + (values[i + 1] - (double) values[i]) * frac;
  }

  /** Step 1: the model output in the solver's parameterisation (x0 for ++, epsilon otherwise). */
  private float[] convertModelOutput(float[] out, float[] x) {
    if (algorithmType.dataPrediction()) {
      float[] r = dataPrediction(predictionType, out, x);
      if (thresholding) {
        SchedulerMath.threshold(r, batch, thresholdRatio, sampleMaxValue);
      }
      return r;
    }
    float[] r = noisePrediction(predictionType, out, x);
    if (thresholding) {
      float[] as = MultistepMath.alphaSigma(sigmas[stepIndex], flowSigmas);
      float alphaT = as[0];
      float sigmaT = as[1];
      int n = x.length;
      float[] x0 = new float[n];
      for (int i = 0; i < n; i++) {
        x0[i] = (x[i] - sigmaT * r[i]) / alphaT;
      }
      SchedulerMath.threshold(x0, batch, thresholdRatio, sampleMaxValue);
      for (int i = 0; i < n; i++) {
        r[i] = (x[i] - alphaT * x0[i]) / sigmaT;
      }
    }
    return r;
  }


  @Override
  public FloatTensor step(FloatTensor modelOutput, double timestep, FloatTensor sample, StepContext context) {
    requireTimesteps();
    float[] mo = modelOutput.data();
    if (varianceType != null && predictionType == PredictionType.EPSILON) {
      // diffusers keeps the first 3 channels of a learned-variance output
      FloatTensor cut = firstChannels(modelOutput, 3);
      mo = cut.data();
    }
    beginStep(modelOutput, mo.length, sample, timestep);
    batch = sample.rank() > 0 && sample.dim(0) > 0 ? sample.dim(0) : 1;
    // 1. lower the order at the end of short runs (and always for the last step to a zero sigma)
    int len = timesteps.length;
    boolean lowerFinal = stepIndex == len - 1
        && (eulerAtFinal || (lowerOrderFinal && len < 15) || finalSigmasType == FinalSigmas.ZERO);
    boolean lowerSecond = stepIndex == len - 2 && lowerOrderFinal && len < 15;

    // 2. the model output as x0 (DPM-Solver++) or epsilon (DPM-Solver), kept in the history
    float[] x = sample.data();
    float[] m = convertModelOutput(mo, x);
    pushModelOutput(m);

    // 3. the SDE variants draw their noise before choosing the order, every step
    float[] noise = null;
    if (algorithmType.sde()) {
      if (context == null || context.noise() == null) {
        throw new IllegalArgumentException(CLASS_NAME + ": algorithm_type \"" + algorithmType.configValue()
            + "\" draws noise in step(); pass a StepContext with a NoiseSource");
      }
      FloatTensor z = context.noise().randn(sample.shape().clone());
      noise = z.data();
    }

    // 4. the multistep update of the order the history allows (arXiv:2211.01095, Algorithm 2 and eq. (9))
    // (alpha, sigma) at the target sigma t and at the current sigma s0, for every order
    float[] t = alphaSigmaAt(stepIndex + 1);
    float[] s0 = alphaSigmaAt(stepIndex);
    float[] prev;
    if (solverOrder == 1 || lowerOrderNums < 1 || lowerFinal) {
      prev = firstOrderUpdate(m, x, noise, t, s0);
    } else if (solverOrder == 2 || lowerOrderNums < 2 || lowerSecond) {
      prev = secondOrderUpdate(x, noise, t, s0);
    } else {
      prev = thirdOrderUpdate(x, noise, t, s0);
    }
    if (lowerOrderNums < solverOrder) {
      lowerOrderNums++;
    }
    stepIndex++;
    return FloatTensor.of(prev, sample.shape().clone());
  }

  private static FloatTensor firstChannels(FloatTensor t, int c) {
    if (t.rank() < 2 || t.dim(1) <= c) {
      return t;
    }
    int b = t.dim(0);
    int per = t.size() / (b * t.dim(1));
    int[] shape = t.shape().clone();
    shape[1] = c;
    float[] out = new float[b * c * per];
    for (int i = 0; i < b; i++) {
      System.arraycopy(t.data(), i * t.dim(1) * per, out, i * c * per, c * per);
    }
    return FloatTensor.of(out, shape);
  }

  /** DPM-Solver(++) first order (= DDIM), eq. (5) of arXiv:2211.01095; SDE forms eq. (8)/(9). */
  private float[] firstOrderUpdate(float[] m, float[] x, float[] noise, float[] t, float[] s) {
    float alphaT = t[0];
    float sigmaT = t[1];
    float alphaS = s[0];
    float sigmaS = s[1];
    float lambdaT = MultistepMath.lambda(t);
    float lambdaS = MultistepMath.lambda(s);
    float h = lambdaT - lambdaS;
    int n = x.length;
    float[] r = new float[n];
    switch (algorithmType) {
      case DPMSOLVER_PP -> {
        float c0 = sigmaT / sigmaS;
        float c1 = alphaT * (MultistepMath.expf(-h) - 1f);
        for (int i = 0; i < n; i++) {
          r[i] = c0 * x[i] - c1 * m[i];
        }
      }
      case DPMSOLVER -> {
        float c0 = alphaT / alphaS;
        float c1 = sigmaT * (MultistepMath.expf(h) - 1f);
        for (int i = 0; i < n; i++) {
          r[i] = c0 * x[i] - c1 * m[i];
        }
      }
      case SDE_DPMSOLVER_PP -> {
        float e2 = MultistepMath.expf(-2f * h);
        float c0 = sigmaT / sigmaS * MultistepMath.expf(-h);
        float c1 = alphaT * (1f - e2);
        float c2 = sigmaT * MultistepMath.sqrtf(1f - e2);
        for (int i = 0; i < n; i++) {
          r[i] = c0 * x[i] + c1 * m[i] + c2 * noise[i];
        }
      }
      default -> {
        float c0 = alphaT / alphaS;
        float c1 = 2f * (sigmaT * (MultistepMath.expf(h) - 1f));
        float c2 = sigmaT * MultistepMath.sqrtf(MultistepMath.expf(2f * h) - 1f);
        for (int i = 0; i < n; i++) {
          r[i] = c0 * x[i] - c1 * m[i] + c2 * noise[i];
        }
      }
    }
    return r;
  }

  /** Multistep second order (Algorithm 2 of arXiv:2211.01095; heun form of arXiv:2206.00927). */
  private float[] secondOrderUpdate(float[] x, float[] noise, float[] t, float[] s0) {
    float alphaT = t[0];
    float sigmaT = t[1];
    float h = lambdaAt(stepIndex + 1) - lambdaAt(stepIndex);
    float r0 = (lambdaAt(stepIndex) - lambdaAt(stepIndex - 1)) / h;
    float invR0 = 1f / r0;
    float[] m0 = modelOutputs[solverOrder - 1];
    float[] m1 = modelOutputs[solverOrder - 2];
    int n = x.length;
    float[] r = new float[n];
    switch (algorithmType) {
      case DPMSOLVER_PP -> {
        float c0 = sigmaT / s0[1];
        float em = MultistepMath.expf(-h) - 1f;
        float c1 = alphaT * em;
        float c2 = midpoint ? 0.5f * (alphaT * em) : alphaT * (em / h + 1f);
        for (int i = 0; i < n; i++) {
          float d1 = invR0 * (m0[i] - m1[i]);
          r[i] = midpoint ? c0 * x[i] - c1 * m0[i] - c2 * d1 : c0 * x[i] - c1 * m0[i] + c2 * d1;
        }
      }
      case DPMSOLVER -> {
        float c0 = alphaT / s0[0];
        float ep = MultistepMath.expf(h) - 1f;
        float c1 = sigmaT * ep;
        float c2 = midpoint ? 0.5f * (sigmaT * ep) : sigmaT * (ep / h - 1f);
        for (int i = 0; i < n; i++) {
          float d1 = invR0 * (m0[i] - m1[i]);
          r[i] = c0 * x[i] - c1 * m0[i] - c2 * d1;
        }
      }
      case SDE_DPMSOLVER_PP -> {
        float e2 = MultistepMath.expf(-2f * h);
        float c0 = sigmaT / s0[1] * MultistepMath.expf(-h);
        float c1 = alphaT * (1f - e2);
        float c2 = midpoint ? 0.5f * (alphaT * (1f - e2)) : alphaT * ((1f - e2) / (-2f * h) + 1f);
        float c3 = sigmaT * MultistepMath.sqrtf(1f - e2);
        for (int i = 0; i < n; i++) {
          float d1 = invR0 * (m0[i] - m1[i]);
          r[i] = c0 * x[i] + c1 * m0[i] + c2 * d1 + c3 * noise[i];
        }
      }
      default -> {
        float c0 = alphaT / s0[0];
        float ep = MultistepMath.expf(h) - 1f;
        float c1 = 2f * (sigmaT * ep);
        float c2 = midpoint ? sigmaT * ep : 2f * (sigmaT * (ep / h - 1f));
        float c3 = sigmaT * MultistepMath.sqrtf(MultistepMath.expf(2f * h) - 1f);
        for (int i = 0; i < n; i++) {
          float d1 = invR0 * (m0[i] - m1[i]);
          r[i] = c0 * x[i] - c1 * m0[i] - c2 * d1 + c3 * noise[i];
        }
      }
    }
    return r;
  }

  /** Multistep third order (DPM-Solver-3 / DPM-Solver++(3M)). */
  private float[] thirdOrderUpdate(float[] x, float[] noise, float[] t, float[] s0) {
    float alphaT = t[0];
    float sigmaT = t[1];
    float lambdaT = lambdaAt(stepIndex + 1);
    float lambdaS0 = lambdaAt(stepIndex);
    float lambdaS1 = lambdaAt(stepIndex - 1);
    float lambdaS2 = lambdaAt(stepIndex - 2);
    float[] m0 = modelOutputs[solverOrder - 1];
    float[] m1 = modelOutputs[solverOrder - 2];
    float[] m2 = modelOutputs[solverOrder - 3];
    float h = lambdaT - lambdaS0;
    float h0 = lambdaS0 - lambdaS1;
    float h1 = lambdaS1 - lambdaS2;
    float r0 = h0 / h;
    float r1 = h1 / h;
    float invR0 = 1f / r0;
    float invR1 = 1f / r1;
    float k1 = r0 / (r0 + r1);
    float k2 = 1f / (r0 + r1);
    int n = x.length;
    float[] r = new float[n];
    float c0;
    float c1;
    float c2;
    float c3;
    float cn = 0f;
    int sign1;
    switch (algorithmType) {
      case DPMSOLVER_PP -> {
        float em = MultistepMath.expf(-h) - 1f;
        c0 = sigmaT / s0[1];
        c1 = -(alphaT * em);
        c2 = alphaT * (em / h + 1f);
        c3 = -(alphaT * ((MultistepMath.expf(-h) - 1f + h) / (h * h) - 0.5f));
      }
      case DPMSOLVER -> {
        float ep = MultistepMath.expf(h) - 1f;
        c0 = alphaT / s0[0];
        c1 = -(sigmaT * ep);
        c2 = -(sigmaT * (ep / h - 1f));
        c3 = -(sigmaT * ((MultistepMath.expf(h) - 1f - h) / (h * h) - 0.5f));
      }
      case SDE_DPMSOLVER_PP -> {
        float e2 = MultistepMath.expf(-2f * h);
        c0 = sigmaT / s0[1] * MultistepMath.expf(-h);
        c1 = alphaT * (1f - e2);
        c2 = alphaT * ((1f - e2) / (-2f * h) + 1f);
        float twoH = 2f * h;
        c3 = alphaT * ((1f - e2 - 2f * h) / (twoH * twoH) - 0.5f);
        cn = sigmaT * MultistepMath.sqrtf(1f - e2);
      }
      default -> throw new IllegalArgumentException(CLASS_NAME + ": algorithm_type \"sde-dpmsolver\" has no"
          + " third-order update in diffusers; use solver_order 2");
    }
    for (int i = 0; i < n; i++) {
      float d10 = invR0 * (m0[i] - m1[i]);
      float d11 = invR1 * (m1[i] - m2[i]);
      float d1 = d10 + k1 * (d10 - d11);
      float d2 = k2 * (d10 - d11);
      float v = c0 * x[i] + c1 * m0[i] + c2 * d1 + c3 * d2;
      if (noise != null) {
        v += cn * noise[i];
      }
      r[i] = v;
    }
    return r;
  }

  @Override
  public String toString() {
    return CLASS_NAME + Arrays.toString(new Object[] {algorithmType.configValue(), solverOrder,
        midpoint ? "midpoint" : "heun"});
  }

  /**
   * diffusers' {@code algorithm_type}: DPM-Solver on the noise prediction (Lu et al. 2022,
   * arXiv:2206.00927) or DPM-Solver++ on the data prediction (arXiv:2211.01095), each as an ODE
   * or an SDE solver. Immutable and thread-safe.
   */
  public enum Algorithm implements ConfigValue {
    /** {@code dpmsolver}. */
    DPMSOLVER("dpmsolver"),
    /** {@code dpmsolver++} (the default). */
    DPMSOLVER_PP("dpmsolver++"),
    /** {@code sde-dpmsolver}. */
    SDE_DPMSOLVER("sde-dpmsolver"),
    /** {@code sde-dpmsolver++}. */
    SDE_DPMSOLVER_PP("sde-dpmsolver++");

    private final String value;

    Algorithm(String value) {
      this.value = value;
    }

    @Override
    public String configValue() {
      return value;
    }

    /** Whether the solver works on the data prediction x0 (the {@code ++} variants). */
    public boolean dataPrediction() {
      return this == DPMSOLVER_PP || this == SDE_DPMSOLVER_PP;
    }

    /** Whether the solver draws noise in every step. */
    public boolean sde() {
      return this == SDE_DPMSOLVER || this == SDE_DPMSOLVER_PP;
    }
  }
}
