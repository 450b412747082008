package io.diffuse4j.schedulers;

import java.util.Arrays;

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
      case "sigmoid" -> {
        float[] l = linspace(-6, 6, n);
        for (int i = 0; i < n; i++) {
          float s = (float) (1.0 / (1.0 + Math.exp(-l[i])));
          b[i] = (float) (s * (betaEnd - betaStart) + betaStart);
        }
      }
      default -> throw new IllegalArgumentException("beta_schedule '" + schedule + "' is not supported");
    }
    return b;
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
    int n = logSigmas.length;
    // dists = log_sigma - log_sigmas; low_idx = last index where dist >= 0, clipped to n - 2
    int low = -1;
    for (int i = 0; i < n; i++) {
      if (logSigma - logSigmas[i] >= 0) {
        low = i;
      }
    }
    low = Math.max(0, Math.min(low, n - 2));
    int high = low + 1;
    double lo = logSigmas[low];
    double hi = logSigmas[high];
    double w = (lo - logSigma) / (lo - hi);
    w = Math.max(0, Math.min(1, w));
    return (1 - w) * low + w * high;
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
}
