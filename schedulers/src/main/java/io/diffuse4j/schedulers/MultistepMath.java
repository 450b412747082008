package io.diffuse4j.schedulers;

import io.diffuse4j.schedulers.toolkit.SigmaSchedules;

/**
 * Math shared by the multistep solvers (DPM-Solver, UniPC) and LCM that the single-step
 * schedulers do not need: float32 scalar helpers that evaluate coefficients the way torch does
 * on 0-dim float32 tensors, the VP sigma-to-(alpha, sigma) map, the lambda clipping of
 * DPM-Solver, the LU-lambda and exponential sigma ramps, diffusers' dynamic thresholding
 * ({@code _threshold_sample}) and the small float32 linear solve UniPC does with
 * {@code torch.linalg.solve}.
 *
 * <p>Stateless; all methods are thread-safe.
 */
final class MultistepMath {

  private MultistepMath() {}

  /** {@code torch.log} of a float32 value (see {@link TorchFloatMath}). */
  static float logf(float x) {
    return TorchFloatMath.log(x);
  }

  /** {@code torch.exp} of a float32 value (see {@link TorchFloatMath}). */
  static float expf(float x) {
    return TorchFloatMath.exp(x);
  }

  /** {@code torch.expm1} of a float32 value (see {@link TorchFloatMath}). */
  static float expm1f(float x) {
    return TorchFloatMath.expm1(x);
  }

  /** {@code sqrt} in float32 (correctly rounded, as torch's). */
  static float sqrtf(float x) {
    return (float) Math.sqrt(x);
  }

  /**
   * diffusers' {@code _sigma_to_alpha_sigma_t}: for VP schedules {@code alpha = 1/sqrt(sigma^2+1)},
   * {@code sigma_t = sigma * alpha}; for flow-matching sigmas {@code alpha = 1 - sigma}.
   *
   * @return {alpha_t, sigma_t} in float32
   */
  static float[] alphaSigma(float sigma, boolean flowSigmas) {
    if (flowSigmas) {
      return new float[] {1f - sigma, sigma};
    }
    float alpha = 1f / sqrtf(sigma * sigma + 1f);
    return new float[] {alpha, sigma * alpha};
  }

  /** The half-log-SNR {@code lambda = log(alpha) - log(sigma)} in float32. */
  static float lambda(float[] alphaSigma) {
    return logf(alphaSigma[0]) - logf(alphaSigma[1]);
  }

  /**
   * DPM-Solver's {@code lambda_min_clipped}: the number of training timesteps to keep, i.e.
   * {@code num_train - searchsorted(flip(lambda_t), lambda_min_clipped)} where
   * {@code lambda_t = log(sqrt(acp)) - log(sqrt(1 - acp))} in float32.
   */
  static int lastTimestepAfterLambdaClip(float[] alphasCumprod, double lambdaMinClipped) {
    int n = alphasCumprod.length;
    if (lambdaMinClipped == Double.NEGATIVE_INFINITY) {
      return n;
    }
    float[] flipped = new float[n];
    for (int i = 0; i < n; i++) {
      float acp = alphasCumprod[i];
      float l = logf(sqrtf(acp)) - logf(sqrtf(1f - acp));
      flipped[n - 1 - i] = l;
    }
    float v = (float) lambdaMinClipped;
    // searchsorted (left): count of entries strictly below v in the ascending sequence
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (flipped[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return n - lo;
  }

  /** diffusers' {@code _convert_to_lu}: a linear ramp in lambda from {@code lambdaMax} to {@code lambdaMin}. */
  static double[] luLambdas(double lambdaMax, double lambdaMin, int n) {
    double[] ramp = SchedulerMath.npLinspace(0, 1, n);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = lambdaMax + ramp[i] * (lambdaMin - lambdaMax);
    }
    return out;
  }

  /** diffusers' {@code _convert_to_exponential}: {@code exp(np.linspace(log(max), log(min), n))}. */
  static double[] exponentialSigmas(double sigmaMin, double sigmaMax, int n) {
    return SigmaSchedules.exponential(sigmaMin, sigmaMax, n);
  }

  /**
   * The training sigmas {@code ((1 - acp) / acp) ** 0.5} as diffusers' multistep solvers hold
   * them: computed by torch in float32, then a float32 NumPy array.
   */
  static float[] trainingSigmas(float[] alphasCumprod) {
    return SigmaSchedules.trainingSigmasFloat32(alphasCumprod);
  }

  /**
   * {@code np.log} of a float32 array (float32 results). NumPy's own SIMD float32 log is neither
   * SLEEF's nor correctly rounded (it differs from both in the last bit for about 8% of inputs);
   * the correctly rounded value is used, which reproduced diffusers' timesteps for every spacing,
   * sigma schedule and step count 1..50 tried.
   */
  static float[] logs(float[] x) {
    return SigmaSchedules.logFloat32(x);
  }

  /**
   * diffusers' {@code _sigma_to_t} as NumPy 1.x evaluates it for the multistep solvers, whose
   * {@code log_sigmas} are float32: the float64 scalar {@code log(sigma)} meets the float32
   * array, so the distances and the weight {@code w} are float32 (value-based casting); the
   * index is the last one at or below {@code log(sigma)} ({@code cumsum(dists >= 0).argmax()},
   * which also holds where the zero-SNR schedule is not monotonic at its end); {@code t} is float64.
   */
  static double sigmaToT(double sigma, float[] logSigmas) {
    return SigmaSchedules.sigmaToTimestepFloat32Logs(sigma, logSigmas);
  }

  /**
   * The integer timesteps of DPM-Solver and UniPC for a spacing, descending: unlike DDIM they
   * take {@code n + 1} points and drop the last ({@code linspace}), divide by {@code n + 1}
   * ({@code leading}) and count down from {@code last} ({@code trailing}, NumPy's float
   * {@code arange}). {@code last} is {@code num_train_timesteps}, or fewer after DPM-Solver's
   * {@code lambda_min_clipped}.
   */
  static double[] spacedTimesteps(String spacing, int numTrain, int last, int steps, int offset) {
    double[] t;
    switch (spacing) {
      case "linspace" -> {
        double[] lin = SchedulerMath.npLinspace(0, last - 1, steps + 1);
        t = new double[steps];
        for (int i = 0; i < steps; i++) {
          t[i] = Math.rint(lin[steps - i]);
        }
      }
      case "leading" -> {
        int ratio = last / (steps + 1);
        t = new double[steps];
        for (int i = 0; i < steps; i++) {
          t[i] = (double) (steps - i) * ratio + offset;
        }
      }
      case "trailing" -> {
        double ratio = (double) numTrain / steps;
        int len = (int) Math.ceil((0.0 - last) / -ratio);
        t = new double[Math.max(len, 0)];
        // NumPy fills arange as start + i * (second - start)
        double delta = (last - ratio) - last;
        for (int i = 0; i < t.length; i++) {
          double v = i == 0 ? last : (i == 1 ? last - ratio : last + i * delta);
          t[i] = Math.rint(v) - 1;
        }
      }
      default -> throw new IllegalArgumentException("timestep_spacing '" + spacing
          + "' is not supported; use linspace, leading or trailing");
    }
    return t;
  }

  /**
   * Solves {@code A x = b} for a small dense system in float32 the way {@code torch.linalg.solve}
   * does on CPU, to the last bit: torch factors the transpose, {@code A^T = P L U} (LAPACK
   * {@code getrf}: partial pivoting, multipliers scaled by the pivot's reciprocal), then solves
   * {@code U^T L^T P^T x = b} ({@code getrs} with {@code trans}). Checked on 20,000 random 2x2 and
   * 3x3 UniPC-like systems.
   *
   * @throws IllegalArgumentException when A is singular (diffusers raises there too)
   */
  static float[] solve(float[][] a, float[] b) {
    int n = b.length;
    float[][] m = new float[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        m[i][j] = a[j][i];
      }
    }
    int[] pivot = new int[n];
    for (int k = 0; k < n; k++) {
      int p = k;
      for (int i = k + 1; i < n; i++) {
        if (Math.abs(m[i][k]) > Math.abs(m[p][k])) {
          p = i;
        }
      }
      if (m[p][k] == 0f) {
        throw new IllegalArgumentException("UniPCMultistepScheduler: the UniPC coefficient system is singular"
            + " (diffusers' torch.linalg.solve fails too): the schedule repeats a timestep; use another sigma"
            + " schedule or fewer steps");
      }
      pivot[k] = p;
      float[] row = m[p];
      m[p] = m[k];
      m[k] = row;
      float inv = 1f / m[k][k];
      for (int i = k + 1; i < n; i++) {
        float l = m[i][k] * inv;
        m[i][k] = l;
        for (int j = k + 1; j < n; j++) {
          m[i][j] = m[i][j] - l * m[k][j];
        }
      }
    }
    float[] x = b.clone();
    // U^T y = b (forward)
    for (int i = 0; i < n; i++) {
      float v = x[i];
      for (int j = 0; j < i; j++) {
        v = v - m[j][i] * x[j];
      }
      x[i] = v / m[i][i];
    }
    // L^T z = y (backward, unit diagonal)
    for (int i = n - 1; i >= 0; i--) {
      float v = x[i];
      for (int j = i + 1; j < n; j++) {
        v = v - m[j][i] * x[j];
      }
      x[i] = v;
    }
    // x = P z
    for (int k = n - 1; k >= 0; k--) {
      float t = x[k];
      x[k] = x[pivot[k]];
      x[pivot[k]] = t;
    }
    return x;
  }
}
