package io.diffuse4j.schedulers;

/**
 * Stand-in for the shared schedule math (betas, alphas_cumprod, spacing, Karras sigmas,
 * sigma-to-t) until the shared helper lands; float32 where diffusers uses torch float32.
 *
 * <p>Stateless; thread-safe.
 */
final class Sched2ScheduleMath {

  private Sched2ScheduleMath() {}

  static float[] alphasCumprod(SchedulerSettings s) {
    int n = s.integer("num_train_timesteps");
    double[] trained = s.numbers("trained_betas");
    float[] betas = new float[n];
    if (trained != null) {
      betas = new float[trained.length];
      for (int i = 0; i < trained.length; i++) {
        betas[i] = (float) trained[i];
      }
    } else {
      String schedule = s.string("beta_schedule");
      double b0 = s.number("beta_start");
      double b1 = s.number("beta_end");
      switch (schedule == null ? "" : schedule) {
        case "linear" -> betas = linspaceF((float) b0, (float) b1, n);
        case "scaled_linear" -> {
          float[] r = linspaceF((float) Math.sqrt(b0), (float) Math.sqrt(b1), n);
          for (int i = 0; i < n; i++) {
            betas[i] = r[i] * r[i];
          }
        }
        case "squaredcos_cap_v2" -> {
          for (int i = 0; i < n; i++) {
            double t1 = (double) i / n;
            double t2 = (double) (i + 1) / n;
            betas[i] = (float) Math.min(1 - cos2(t2) / cos2(t1), 0.999);
          }
        }
        default -> throw s.refuse("beta_schedule = \"" + schedule
            + "\" is not supported; use linear, scaled_linear or squaredcos_cap_v2");
      }
    }
    if (s.bool("rescale_betas_zero_snr")) {
      betas = rescaleZeroSnr(betas);
    }
    float[] acp = new float[betas.length];
    double acc = 1.0;
    for (int i = 0; i < betas.length; i++) {
      acc *= (1f - betas[i]);
      acp[i] = (float) acc;
    }
    return acp;
  }

  private static double cos2(double t) {
    double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
    return c * c;
  }

  /**
   * {@code torch.linspace(start, end, n, dtype=float32)} on CPU, value for value: the kernel fills
   * blocks of 8 as {@code base + j * step} (AVX2 {@code Vectorized<float>::arange}, compiled with fused multiply-adds) in pairs, with
   * {@code base} counted from {@code start} below the halfway index and from {@code end} above
   * it, and the tail (fewer than 16 left) one by one.
   */
  static float[] linspaceF(float start, float end, int n) {
    float[] out = new float[n];
    if (n == 1) {
      out[0] = start;
      return out;
    }
    float step = (end - start) / (n - 1);
    int half = n / 2;
    int vec = 8;
    int idx = 0;
    while (idx <= n - 2 * vec) {
      for (int blk = 0; blk < 2; blk++) {
        float base = idx < half ? Math.fma(step, (float) idx, start) : Math.fma(-step, (float) (n - idx - 1), end);
        for (int j = 0; j < vec; j++) {
          out[idx + j] = Math.fma((float) j, step, base);
        }
        idx += vec;
      }
    }
    for (; idx < n; idx++) {
      out[idx] = idx < half ? Math.fma(step, (float) idx, start) : Math.fma(-step, (float) (n - idx - 1), end);
    }
    return out;
  }

  static float[] rescaleZeroSnr(float[] betas) {
    int n = betas.length;
    float[] sq = new float[n];
    double acc = 1.0;
    for (int i = 0; i < n; i++) {
      acc *= (1f - betas[i]);
      sq[i] = (float) Math.sqrt((float) acc);
    }
    float s0 = sq[0];
    float sT = sq[n - 1];
    float scale = s0 / (s0 - sT);
    float[] bar = new float[n];
    for (int i = 0; i < n; i++) {
      float v = (sq[i] - sT) * scale;
      bar[i] = v * v;
    }
    float[] out = new float[n];
    out[0] = 1f - bar[0];
    for (int i = 1; i < n; i++) {
      out[i] = 1f - bar[i] / bar[i - 1];
    }
    return out;
  }

  /** Integer timesteps, descending, for the three spacings; {@code last} = first excluded upper bound. */
  static double[] spacing(String spacing, int numTrain, int last, int steps, int offset) {
    double[] t = new double[steps];
    switch (spacing) {
      case "linspace" -> {
        double stop = last - 1;
        double step = stop / steps;
        double[] lin = new double[steps + 1];
        for (int i = 0; i <= steps; i++) {
          lin[i] = i * step;
        }
        lin[steps] = stop;
        for (int i = 0; i < steps; i++) {
          t[i] = Math.rint(lin[steps - i]);
        }
      }
      case "leading" -> {
        int ratio = last / (steps + 1);
        for (int i = 0; i < steps; i++) {
          t[i] = (long) (steps - i) * ratio + offset;
        }
      }
      case "trailing" -> {
        double ratio = (double) numTrain / steps;
        int len = (int) Math.ceil((0 - last) / -ratio);
        t = new double[len];
        double delta = (last - ratio) - last;
        for (int i = 0; i < len; i++) {
          double v = i == 0 ? last : (i == 1 ? last - ratio : last + i * delta);
          t[i] = Math.rint(v) - 1;
        }
      }
      default -> throw new IllegalArgumentException("timestep_spacing = \"" + spacing
          + "\" is not supported; use linspace, leading or trailing");
    }
    return t;
  }

  static float[] sigmasFromAcp(float[] acp) {
    float[] s = new float[acp.length];
    for (int i = 0; i < acp.length; i++) {
      s[i] = (float) Math.sqrt((1f - acp[i]) / acp[i]);
    }
    return s;
  }

  static float[] logF(float[] x) {
    float[] o = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      o[i] = (float) Math.log(x[i]);
    }
    return o;
  }

  static double[] karras(double sigmaMin, double sigmaMax, int n) {
    double rho = 7.0;
    double[] ramp = MultistepMath.linspace01(n);
    double minInv = Math.pow(sigmaMin, 1 / rho);
    double maxInv = Math.pow(sigmaMax, 1 / rho);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.pow(maxInv + ramp[i] * (minInv - maxInv), rho);
    }
    return out;
  }

  static double[] exponential(double sigmaMin, double sigmaMax, int n) {
    double a = Math.log(sigmaMax);
    double b = Math.log(sigmaMin);
    double[] out = new double[n];
    if (n == 1) {
      out[0] = Math.exp(a);
      return out;
    }
    double step = (b - a) / (n - 1);
    for (int i = 0; i < n; i++) {
      out[i] = Math.exp(i == n - 1 ? b : a + i * step);
    }
    return out;
  }

  /**
   * diffusers' {@code _sigma_to_t} as NumPy 1.x evaluates it: the float64 scalar
   * {@code log(sigma)} meets the float32 {@code log_sigmas} array, so the distances and the
   * weight {@code w} are float32 (value-based casting); {@code t = (1 - w) * low + w * high}
   * is float64.
   */
  static double sigmaToT(double sigma, float[] logSigmas) {
    float ls = (float) Math.log(Math.max(sigma, 1e-10));
    int n = logSigmas.length;
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (ls - logSigmas[i] >= 0f) {
        k++;
      }
    }
    int low = k == 0 ? 0 : k - 1;
    low = Math.min(low, n - 2);
    int high = low + 1;
    float lo = logSigmas[low];
    float hi = logSigmas[high];
    float w = (lo - ls) / (lo - hi);
    w = Math.max(0f, Math.min(1f, w));
    return (1f - w) * (double) low + (double) w * high;
  }
}
