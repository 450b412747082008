package io.diffuse4j.schedulers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntToLongFunction;

/**
 * The math every scheduler shares, written once and equal to diffusers: beta schedules,
 * {@code alphas_cumprod} (float32, as torch computes it), zero-terminal-SNR rescaling, timestep
 * spacing, sigma interpolation and Karras sigmas. Stateless and thread-safe.
 */
public final class SchedulerMath {

  private SchedulerMath() {}

  /**
   * Betas of a schedule, as float32 values ({@code trained_betas} wins when given).
   *
   * @param schedule linear, scaled_linear, squaredcos_cap_v2 or sigmoid
   */
  public static float[] betas(String schedule, int n, double betaStart, double betaEnd, double[] trainedBetas) {
    float[] b = new float[n];
    if (trainedBetas != null) {
      if (trainedBetas.length != n) {
        throw new IllegalArgumentException("trained_betas has " + trainedBetas.length
            + " values but num_train_timesteps is " + n);
      }
      for (int i = 0; i < n; i++) {
        b[i] = (float) trainedBetas[i];
      }
      return b;
    }
    switch (schedule) {
      case "linear" -> {
        float[] l = linspace(betaStart, betaEnd, n);
        System.arraycopy(l, 0, b, 0, n);
      }
      case "scaled_linear" -> {
        float[] l = linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), n);
        for (int i = 0; i < n; i++) {
          b[i] = l[i] * l[i];
        }
      }
      case "squaredcos_cap_v2" -> {
        for (int i = 0; i < n; i++) {
          double t1 = i / (double) n;
          double t2 = (i + 1) / (double) n;
          b[i] = (float) Math.min(1 - alphaBarCosine(t2) / alphaBarCosine(t1), 0.999);
        }
      }
      case "laplace" -> {
        // betas_for_alpha_bar(alpha_transform_type="laplace") (DDPMScheduler)
        for (int i = 0; i < n; i++) {
          double t1 = i / (double) n;
          double t2 = (i + 1) / (double) n;
          b[i] = (float) Math.min(1 - alphaBarLaplace(t2) / alphaBarLaplace(t1), 0.999);
        }
      }
      case "sigmoid" -> {
        float[] l = linspace(-6, 6, n);
        for (int i = 0; i < n; i++) {
          float s = (float) (1.0 / (1.0 + Math.exp(-l[i])));
          b[i] = (float) (s * (betaEnd - betaStart) + betaStart);
        }
      }
      case "exp" -> {
        // betas_for_alpha_bar(alpha_transform_type="exp"): alpha_bar(t) = exp(-12 t)
        for (int i = 0; i < n; i++) {
          double t1 = i / (double) n;
          double t2 = (i + 1) / (double) n;
          b[i] = (float) Math.min(1 - Math.exp(t2 * -12.0) / Math.exp(t1 * -12.0), 0.999);
        }
      }
      default -> throw new IllegalArgumentException("beta_schedule '" + schedule + "' is not supported");
    }
    return b;
  }

  private static double alphaBarLaplace(double t) {
    double lmb = -0.5 * Math.copySign(1, 0.5 - t) * Math.log(1 - 2 * Math.abs(0.5 - t) + 1e-6);
    double snr = Math.exp(lmb);
    return Math.sqrt(snr / (1 + snr));
  }

  private static double alphaBarCosine(double t) {
    double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
    return c * c;
  }

  /**
   * {@code torch.linspace(start, end, n, dtype=float32)} on CPU, value for value: torch's kernel
   * fills blocks of 8 as {@code base + j * step} (AVX2 {@code Vectorized<float>::arange}, built
   * with fused multiply-adds) two blocks at a time, {@code base} counted from {@code start} below
   * the halfway index and from {@code end} above it, and the last (fewer than 16) values one by
   * one. Checked bit for bit against torch for the SD beta schedule.
   */
  public static float[] linspace(double start, double end, int n) {
    float[] out = new float[n];
    if (n == 1) {
      out[0] = (float) start;
      return out;
    }
    float fs = (float) start;
    float fe = (float) end;
    float step = (fe - fs) / (n - 1);
    int half = n / 2;
    int vec = 8;
    int idx = 0;
    while (idx <= n - 2 * vec) {
      for (int block = 0; block < 2; block++) {
        float base = linspaceAt(fs, fe, step, idx, half, n);
        for (int j = 0; j < vec; j++) {
          out[idx + j] = Math.fma((float) j, step, base);
        }
        idx += vec;
      }
    }
    for (; idx < n; idx++) {
      out[idx] = linspaceAt(fs, fe, step, idx, half, n);
    }
    return out;
  }

  private static float linspaceAt(float start, float end, float step, int idx, int half, int n) {
    return idx < half ? Math.fma(step, (float) idx, start) : Math.fma(-step, (float) (n - idx - 1), end);
  }

  /** diffusers' {@code rescale_zero_terminal_snr}: rescales betas so the last timestep has zero SNR. */
  public static float[] rescaleZeroTerminalSnr(float[] betas) {
    int n = betas.length;
    float[] cum = cumprod(betas);
    float[] sq = new float[n];
    for (int i = 0; i < n; i++) {
      sq[i] = (float) Math.sqrt(cum[i]);
    }
    float a0 = sq[0];
    float aT = sq[n - 1];
    for (int i = 0; i < n; i++) {
      sq[i] = (sq[i] - aT) * (a0 / (a0 - aT));
    }
    float[] out = new float[n];
    float prev = 0;
    for (int i = 0; i < n; i++) {
      float bar = sq[i] * sq[i];
      float alpha = i == 0 ? bar : bar / prev;
      out[i] = 1f - alpha;
      prev = bar;
    }
    return out;
  }

  /** {@code torch.cumprod(1 - betas)} of a float32 tensor: torch's CPU kernel accumulates in double. */
  public static float[] cumprod(float[] betas) {
    float[] out = new float[betas.length];
    double acc = 1;
    for (int i = 0; i < betas.length; i++) {
      acc *= (1f - betas[i]);
      out[i] = (float) acc;
    }
    return out;
  }

  /** The betas and alphas_cumprod of the standard DDPM-family keys, with zero-SNR rescaling when asked. */
  public static float[] alphasCumprod(String schedule, int n, double betaStart, double betaEnd, double[] trained,
      boolean rescaleZeroSnr) {
    float[] b = betas(schedule, n, betaStart, betaEnd, trained);
    if (rescaleZeroSnr) {
      b = rescaleZeroTerminalSnr(b);
    }
    return cumprod(b);
  }

  /**
   * Integer timesteps of the DDPM/DDIM families for a spacing (diffusers' {@code set_timesteps}),
   * descending.
   */
  public static long[] spacedTimesteps(String spacing, int numTrain, int steps, int stepsOffset) {
    long[] t = new long[steps];
    switch (spacing) {
      case "linspace" -> {
        double[] l = npLinspace(0, numTrain - 1, steps);
        for (int i = 0; i < steps; i++) {
          t[i] = Math.round(Math.rint(l[steps - 1 - i]));
        }
      }
      case "leading" -> {
        int ratio = numTrain / steps;
        for (int i = 0; i < steps; i++) {
          t[i] = (long) (steps - 1 - i) * ratio + stepsOffset;
        }
      }
      case "trailing" -> {
        double ratio = numTrain / (double) steps;
        // np.round(np.arange(T, 0, -ratio)) - 1
        int count = (int) Math.ceil(numTrain / ratio);
        long[] a = new long[count];
        for (int i = 0; i < count; i++) {
          a[i] = (long) Math.rint(numTrain - i * ratio) - 1;
        }
        return Arrays.copyOf(a, count);
      }
      default -> throw new IllegalArgumentException("timestep_spacing '" + spacing + "' is not supported");
    }
    return t;
  }

  /**
   * Refuses {@code steps} inference steps whose highest timestep {@code h} passes the training range {@code [0, numTrain)}, as SD 1.x's {@code steps_offset} 1 does at 1000
   * steps; diffusers' DDIM, DDPM and PNDM accept that and fail at the first step
   * ({@code alphas_cumprod[1000]}). The message names the most steps that fit ({@code highest}: the
   * highest timestep of a step count, asked only on refusal).
   */
  static void requireInTrainingRange(String className, int steps, int stepsOffset, int numTrain, long h,
      IntToLongFunction highest) {
    if (h < numTrain) {
      return;
    }
    int fewer = steps - 1;
    while (fewer > 0 && highest.applyAsLong(fewer) >= numTrain) {
      fewer--;
    }
    throw new IllegalArgumentException(className + ": " + steps + " inference steps with steps_offset " + stepsOffset
        + " reach timestep " + h + ", outside [0, " + numTrain + "): diffusers fails at the first step. "
        + (fewer > 0 ? "Take fewer steps (use at most " + fewer + " steps)." : "Set steps_offset to 0."));
  }

  /**
   * diffusers' {@code index_for_timestep}: the position of {@code t} in a run's timesteps, the second
   * match when it appears twice (so a run started mid-way by image-to-image does not skip a step), or
   * -1 when absent; each scheduler decides what absence means, as its diffusers class does.
   */
  public static int indexForTimestep(double[] timesteps, double t) {
    int first = -1;
    for (int i = 0; i < timesteps.length; i++) {
      if (timesteps[i] == t) {
        if (first >= 0) {
          return i;
        }
        first = i;
      }
    }
    return first;
  }

  /** {@code np.linspace(start, stop, n)} in float64. */
  public static double[] npLinspace(double start, double stop, int n) {
    double[] out = new double[n];
    if (n == 1) {
      out[0] = start;
      return out;
    }
    double step = (stop - start) / (n - 1);
    for (int i = 0; i < n; i++) {
      out[i] = start + i * step;
    }
    out[n - 1] = stop;
    return out;
  }

  /** {@code np.interp(x, xp, fp)} for increasing {@code xp}. */
  public static double interp(double x, double[] xp, double[] fp) {
    int n = xp.length;
    if (x <= xp[0]) {
      return fp[0];
    }
    if (x >= xp[n - 1]) {
      return fp[n - 1];
    }
    int lo = 0;
    int hi = n - 1;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (xp[mid] <= x) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double slope = (fp[hi] - fp[lo]) / (xp[hi] - xp[lo]);
    return fp[lo] + slope * (x - xp[lo]);
  }

  /** Training sigmas {@code ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5} in float64 (numpy). */
  public static double[] sigmas(float[] alphasCumprod) {
    double[] s = new double[alphasCumprod.length];
    for (int i = 0; i < s.length; i++) {
      double a = alphasCumprod[i];
      s[i] = Math.sqrt((1 - a) / a);
    }
    return s;
  }

  /**
   * diffusers' {@code _sigma_to_t}: the fractional timestep of a sigma by linear interpolation in
   * log-sigma over the training sigmas.
   */
  public static double sigmaToT(double sigma, double[] logSigmas) {
    double logSigma = Math.log(Math.max(sigma, 1e-10));
    int low = sigmaLowIndex(logSigma, i -> logSigmas[i], logSigmas.length);
    int high = low + 1;
    double lo = logSigmas[low];
    double hi = logSigmas[high];
    double w = (lo - logSigma) / (lo - hi);
    w = Math.max(0, Math.min(1, w));
    return (1 - w) * low + w * high;
  }

  /**
   * The low index of {@code _sigma_to_t}: with {@code dists = log_sigma - log_sigmas}, the last
   * index where {@code dists >= 0} ({@code cumsum(dists >= 0).argmax()}), clipped to
   * {@code [0, n - 2]}. The sign of a float32 or float64 difference is that of the comparison, so
   * one helper serves the float32 and float64 twins.
   */
  public static int sigmaLowIndex(double logSigma, java.util.function.IntToDoubleFunction logSigmaAt, int n) {
    int low = -1;
    for (int i = 0; i < n; i++) {
      if (logSigma >= logSigmaAt.applyAsDouble(i)) {
        low = i;
      }
    }
    return Math.max(0, Math.min(low, n - 2));
  }

  /** Karras et al. (2022) sigmas between sigma_min and sigma_max, rho = 7. */
  public static double[] karrasSigmas(double sigmaMin, double sigmaMax, int n) {
    double rho = 7.0;
    double[] ramp = npLinspace(0, 1, n);
    double minInv = Math.pow(sigmaMin, 1 / rho);
    double maxInv = Math.pow(sigmaMax, 1 / rho);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.pow(maxInv + ramp[i] * (minInv - maxInv), rho);
    }
    return out;
  }

  /** diffusers' dynamic thresholding ({@code _threshold_sample}) of a batch {@code [b, ...]}, in place. */
  public static void threshold(float[] x, int batch, double ratio, double maxValue) {
    int per = x.length / batch;
    for (int b = 0; b < batch; b++) {
      float[] abs = new float[per];
      for (int i = 0; i < per; i++) {
        abs[i] = Math.abs(x[b * per + i]);
      }
      Arrays.sort(abs);
      double pos = ratio * (per - 1);
      int lo = (int) Math.floor(pos);
      int hi = Math.min(lo + 1, per - 1);
      double q = abs[lo] + (abs[hi] - abs[lo]) * (pos - lo);
      float s = (float) Math.max(1.0, Math.min(maxValue, q));
      for (int i = 0; i < per; i++) {
        float v = x[b * per + i];
        x[b * per + i] = Math.max(-s, Math.min(s, v)) / s;
      }
    }
  }

  /**
   * The float32 timesteps of the sigma-based (k-diffusion style) schedulers, descending: Euler,
   * Euler ancestral, LMS and Heun. {@code linspace} keeps the fractional values of
   * {@code np.linspace(0, T - 1, n, dtype=float32)}, {@code leading} is
   * {@code arange(n) * (T // n) + steps_offset}, {@code trailing} is
   * {@code round(arange(T, 0, -T / n)) - 1} (NumPy's float {@code arange}).
   */
  public static float[] sigmaTimesteps(String spacing, int numTrain, int steps, int stepsOffset) {
    float[] out;
    switch (spacing) {
      case "linspace" -> {
        double[] l = npLinspace(0, numTrain - 1, steps);
        out = new float[steps];
        for (int i = 0; i < steps; i++) {
          out[i] = (float) l[steps - 1 - i];
        }
      }
      case "leading" -> {
        int ratio = numTrain / steps;
        out = new float[steps];
        for (int i = 0; i < steps; i++) {
          out[i] = (float) ((long) (steps - 1 - i) * ratio) + stepsOffset;
        }
      }
      case "trailing" -> {
        double[] t = MultistepMath.spacedTimesteps("trailing", numTrain, numTrain, steps, 0);
        out = new float[t.length];
        for (int i = 0; i < t.length; i++) {
          out[i] = (float) t[i];
        }
      }
      default -> throw new IllegalArgumentException("timestep_spacing '" + spacing
          + "' is not supported; use linspace, leading or trailing");
    }
    return out;
  }

  /**
   * {@code np.interp(x, arange(len(fp)), fp)} exactly as NumPy evaluates it:
   * {@code slope * (x - j) + fp[j]} in float64, the end values outside the range.
   */
  public static double interpIndex(double x, float[] fp) {
    int last = fp.length - 1;
    if (!(x > 0)) {
      return fp[0];
    }
    if (x >= last) {
      return fp[last];
    }
    int j = (int) Math.floor(x);
    if (j == x) {
      return fp[j];
    }
    double slope = ((double) fp[j + 1] - fp[j]) / 1.0;
    return slope * (x - j) + fp[j];
  }

  /**
   * diffusers' {@code _convert_to_beta} ("Beta Sampling is All You Need", Lee et al. 2024):
   * {@code sigma_min + ppf(1 - linspace(0, 1, n); alpha, beta) * (sigma_max - sigma_min)} with the
   * Beta distribution's quantile function.
   */
  public static double[] betaSigmas(double sigmaMin, double sigmaMax, int n, double alpha, double beta) {
    double[] ramp = npLinspace(0, 1, n);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = sigmaMin + betaPpf(1 - ramp[i], alpha, beta) * (sigmaMax - sigmaMin);
    }
    return out;
  }

  /**
   * The quantile function of the Beta(a, b) distribution ({@code scipy.stats.beta.ppf}), to about
   * 1e-15: bisection on the regularized incomplete beta function, polished by Newton steps.
   */
  public static double betaPpf(double q, double a, double b) {
    if (q <= 0) {
      return 0;
    }
    if (q >= 1) {
      return 1;
    }
    double lo = 0;
    double hi = 1;
    double x = 0.5;
    for (int i = 0; i < 200 && hi - lo > 1e-17; i++) {
      x = 0.5 * (lo + hi);
      if (regularizedBeta(x, a, b) < q) {
        lo = x;
      } else {
        hi = x;
      }
    }
    return 0.5 * (lo + hi);
  }

  /** The regularized incomplete beta function {@code I_x(a, b)} (Lentz's continued fraction). */
  public static double regularizedBeta(double x, double a, double b) {
    if (x <= 0) {
      return 0;
    }
    if (x >= 1) {
      return 1;
    }
    double lnFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
    if (x < (a + 1) / (a + b + 2)) {
      return Math.exp(lnFront) * betaFraction(x, a, b) / a;
    }
    return 1 - Math.exp(lnFront) * betaFraction(1 - x, b, a) / b;
  }

  private static double betaFraction(double x, double a, double b) {
    double tiny = 1e-300;
    double c = 1;
    double d = 1 - (a + b) * x / (a + 1);
    d = Math.abs(d) < tiny ? tiny : d;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 10_000; m++) {
      int m2 = 2 * m;
      double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
      d = 1 + num * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = 1 + num / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      h *= d * c;
      num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
      d = 1 + num * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = 1 + num / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < 1e-16) {
        break;
      }
    }
    return h;
  }

  private static double logBeta(double a, double b) {
    return logGamma(a) + logGamma(b) - logGamma(a + b);
  }

  /** log Gamma(x) for x > 0 (Lanczos, g = 7, n = 9; about 1e-15 relative). */
  static double logGamma(double x) {
    if (x < 0.5) {
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};
    double xx = x - 1;
    double s = g[0];
    for (int i = 1; i < 9; i++) {
      s += g[i] / (xx + i);
    }
    double t = xx + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(s);
  }

  /**
   * The definite integral of {@code f} over {@code [a, b]} by adaptive Gauss-Kronrod quadrature
   * (the 10-point Gauss / 21-point Kronrod pair of QUADPACK, which {@code scipy.integrate.quad}
   * uses), bisecting the interval with the largest error estimate until the total estimate is
   * below {@code max(epsAbs, epsRel * |integral|)}. Exact for polynomials up to degree 31 in one
   * panel. Works for {@code b < a} too.
   */
  public static double integrate(DoubleUnaryOperator f, double a, double b, double epsAbs,
      double epsRel) {
    if (a == b) {
      return 0;
    }
    List<double[]> panels = new ArrayList<>();
    panels.add(gaussKronrod21(f, a, b));
    for (int iter = 0; iter < 200; iter++) {
      double total = 0;
      double err = 0;
      int worst = 0;
      for (int i = 0; i < panels.size(); i++) {
        double[] p = panels.get(i);
        total += p[2];
        err += p[3];
        if (p[3] > panels.get(worst)[3]) {
          worst = i;
        }
      }
      if (err <= Math.max(epsAbs, epsRel * Math.abs(total))) {
        return total;
      }
      double[] w = panels.remove(worst);
      double mid = 0.5 * (w[0] + w[1]);
      panels.add(gaussKronrod21(f, w[0], mid));
      panels.add(gaussKronrod21(f, mid, w[1]));
    }
    double total = 0;
    for (double[] p : panels) {
      total += p[2];
    }
    return total;
  }

  private static final double[] XGK = {0.995657163025808080735527280689003, 0.973906528517171720077964012084452,
      0.930157491355708226001207180059508, 0.865063366688984510732096688423493, 0.780817726586416897063717578345042,
      0.679409568299024406234327365114874, 0.562757134668604683339000099272694, 0.433395394129247190799265943165784,
      0.294392862701460198131126603103866, 0.148874338981631210884826001129720, 0.0};
  private static final double[] WGK = {0.011694638867371874278064396062192, 0.032558162307964727478818972459390,
      0.054755896574351996031381300244580, 0.075039674810919952767043140916190, 0.093125454583697605535065465083366,
      0.109387158802297641899210590325805, 0.123491976262065851077600525478376, 0.134709217311473325928054001771707,
      0.142775938577060080797094273138717, 0.147739104901338491374841515972068, 0.149445554002916905664936468389821};
  private static final double[] WG = {0.066671344308688137593568809893332, 0.149451349150580593145776339657697,
      0.219086362515982043995534934228163, 0.269266719309996355091226921569469, 0.295524224714752870173892994651338};

  /**
   * One GK21 panel as QUADPACK's {@code dqk21} evaluates it (Gauss nodes summed first, the error
   * estimate scaled by {@code resasc}): {a, b, integral, error estimate}.
   */
  private static double[] gaussKronrod21(DoubleUnaryOperator f, double a, double b) {
    double centr = 0.5 * (a + b);
    double hlgth = 0.5 * (b - a);
    double dhlgth = Math.abs(hlgth);
    double[] fv1 = new double[10];
    double[] fv2 = new double[10];
    double fc = f.applyAsDouble(centr);
    double resg = 0;
    double resk = WGK[10] * fc;
    double resabs = Math.abs(resk);
    for (int pass = 0; pass < 2; pass++) {
      for (int j = 0; j < 5; j++) {
        int idx = pass == 0 ? 2 * j + 1 : 2 * j;
        double absc = hlgth * XGK[idx];
        double f1 = f.applyAsDouble(centr - absc);
        double f2 = f.applyAsDouble(centr + absc);
        fv1[idx] = f1;
        fv2[idx] = f2;
        double fsum = f1 + f2;
        if (pass == 0) {
          resg += WG[j] * fsum;
        }
        resk += WGK[idx] * fsum;
        resabs += WGK[idx] * (Math.abs(f1) + Math.abs(f2));
      }
    }
    double reskh = resk * 0.5;
    double resasc = WGK[10] * Math.abs(fc - reskh);
    for (int j = 0; j < 10; j++) {
      resasc += WGK[j] * (Math.abs(fv1[j] - reskh) + Math.abs(fv2[j] - reskh));
    }
    double result = resk * hlgth;
    resabs *= dhlgth;
    resasc *= dhlgth;
    double abserr = Math.abs((resk - resg) * hlgth);
    if (resasc != 0 && abserr != 0) {
      abserr = resasc * Math.min(1, Math.pow(200 * abserr / resasc, 1.5));
    }
    double epmach = Math.ulp(1.0);
    if (resabs > Double.MIN_NORMAL / (50 * epmach)) {
      abserr = Math.max(epmach * 50 * resabs, abserr);
    }
    return new double[] {a, b, result, abserr};
  }
}
