package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import io.diffuse4j.schedulers.toolkit.PredictionType;
import io.diffuse4j.schedulers.toolkit.SigmaKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * Linear multistep (k-diffusion's {@code sample_lms}, order up to 4), equal to diffusers'
 * {@code LMSDiscreteScheduler}: each step combines the last derivatives {@code (x - x_0) / sigma}
 * with coefficients that integrate the Lagrange basis polynomials through the previous sigmas
 * over {@code [sigma_i, sigma_{i+1}]} (diffusers uses {@code scipy.integrate.quad}; here
 * {@link SchedulerMath#integrate}, adaptive Gauss-Kronrod). Config keys and defaults as diffusers'
 * {@code __init__}: num_train_timesteps 1000, beta_start 0.0001, beta_end 0.02, beta_schedule
 * linear, trained_betas, use_karras_sigmas / use_exponential_sigmas / use_beta_sigmas false,
 * prediction_type epsilon, timestep_spacing linspace, steps_offset 0.
 *
 * <pre>{@code
 * Scheduler lms = new LmsDiscreteScheduler(modelConfig);
 * lms.setTimesteps(50);
 * }</pre>
 *
 * <p>Not thread-safe: one instance per run.
 */
public final class LmsDiscreteScheduler extends SigmaScheduler {

  /** The diffusers class name. */
  public static final String CLASS_NAME = "LMSDiscreteScheduler";

  /** diffusers' default {@code order} argument of {@code step}. */
  private static final int ORDER = 4;

  private final SigmaKind sigmaKind;
  private final Deque<float[]> derivatives = new ArrayDeque<>();

  /** A scheduler from a config (of this or another class: unknown keys are kept, missing ones default). */
  public LmsDiscreteScheduler(SchedulerConfig source) {
    super(CLASS_NAME);
    ConfigReader r = readCommon(source);
    sigmaKind = SigmaKind.read(r, CLASS_NAME);
    predictionType = r.option("prediction_type", PredictionType.EPSILON, PredictionType.EPSILON,
        PredictionType.SAMPLE, PredictionType.V_PREDICTION);
    readSpacing(r);
    config = r.effectiveConfig();
    buildAlphas(false);
  }

  @Override
  public void setTimesteps(int steps) {
    Schedule schedule = schedule(steps, sigmaKind, null, null);
    setRun(schedule.sigmasThen(0f), schedule.timesteps());
    derivatives.clear();
  }

  /**
   * The coefficient of the derivative {@code current} steps back: the integral over
   * {@code [sigma_t, sigma_{t+1}]} of the Lagrange basis polynomial through
   * {@code sigma_t, ..., sigma_{t-order+1}} that is 1 at {@code sigma_{t-current}}. As in diffusers
   * the polynomial is evaluated in float32 (its factors are float32 tensors) and integrated with
   * quad's tolerances (epsabs 1.49e-8, epsrel 1e-4), whose first 21-point Gauss-Kronrod panel
   * already meets them: the float32 rounding of the integrand at those nodes is what diffusers'
   * coefficient carries, and it matters where a step cancels large terms.
   */
  double lmsCoefficient(int order, int t, int current) {
    float[] s = new float[order];
    for (int k = 0; k < order; k++) {
      s[k] = sigmas[t - k];
    }
    return SchedulerMath.integrate(tau -> {
      float ft = (float) tau;
      float prod = 1f;
      for (int k = 0; k < order; k++) {
        if (k != current) {
          prod *= (ft - s[k]) / (s[current] - s[k]);
        }
      }
      return prod;
    }, sigmas[t], sigmas[t + 1], 1.49e-8, 1e-4);
  }

  @Override
  public FloatTensor step(FloatTensor modelOutput, double timestep, FloatTensor sample, StepContext ctx) {
    // 1. predicted x_0 and the ODE derivative
    StepStart s = startStep(modelOutput, timestep, sample);
    int i = s.index();
    float sigma = s.sigma();
    float[] x = s.x();
    float[] x0 = s.x0();
    float[] d = new float[x.length];
    for (int k = 0; k < x.length; k++) {
      d[k] = (x[k] - x0[k]) / sigma;
    }
    derivatives.addLast(d);
    if (derivatives.size() > ORDER) {
      derivatives.removeFirst();
    }
    // 2. linear multistep coefficients and the combination, newest derivative first
    int order = Math.min(i + 1, ORDER);
    List<float[]> newestFirst = new ArrayList<>(derivatives);
    Collections.reverse(newestFirst);
    float[] sum = null;
    // zip(coefficients, reversed(derivatives)): after set_begin_index fewer derivatives than the order exist
    int terms = Math.min(order, newestFirst.size());
    for (int c = 0; c < terms; c++) {
      float coeff = (float) lmsCoefficient(order, i, c);
      float[] dc = newestFirst.get(c);
      if (sum == null) {
        sum = new float[x.length];
        for (int k = 0; k < x.length; k++) {
          sum[k] = coeff * dc[k];
        }
      } else {
        for (int k = 0; k < x.length; k++) {
          sum[k] = sum[k] + coeff * dc[k];
        }
      }
    }
    float[] prev = new float[x.length];
    for (int k = 0; k < x.length; k++) {
      prev[k] = x[k] + sum[k];
    }
    stepIndex = i + 1;
    return sample.withData(prev);
  }
}
