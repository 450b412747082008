package io.diffuse4j.schedulers;

import java.util.Arrays;

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

  /** {@code log} of a float32 value, rounded back to float32 (torch on a 0-dim float tensor). */
  static float logf(float x) {
    return (float) Math.log(x);
  }

  /** {@code exp} in float32. */
  static float expf(float x) {
    return (float) Math.exp(x);
  }

  /** {@code expm1} in float32. */
  static float expm1f(float x) {
    return (float) Math.expm1(x);
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
    double[] ramp = linspace01(n);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = lambdaMax + ramp[i] * (lambdaMin - lambdaMax);
    }
    return out;
  }

  /** {@code np.linspace(0, 1, n)} (endpoint included, exactly 1 at the end). */
  static double[] linspace01(int n) {
    double[] r = new double[n];
    if (n == 1) {
      return r;
    }
    double step = 1.0 / (n - 1);
    for (int i = 0; i < n; i++) {
      r[i] = i * step;
    }
    r[n - 1] = 1.0;
    return r;
  }

  /**
   * diffusers' {@code _threshold_sample} (dynamic thresholding, Imagen): per batch item, the
   * {@code ratio} quantile {@code s} of |x| (linear interpolation, as {@code torch.quantile}),
   * clamped to {@code [1, maxValue]}; then {@code x = clamp(x, -s, s) / s}.
   *
   * @param data values of a [B, ...] tensor, changed in place
   */
  static void dynamicThreshold(float[] data, int batch, double ratio, double maxValue) {
    int per = data.length / batch;
    float[] abs = new float[per];
    for (int b = 0; b < batch; b++) {
      int off = b * per;
      for (int i = 0; i < per; i++) {
        abs[i] = Math.abs(data[off + i]);
      }
      Arrays.sort(abs);
      float rank = (float) ratio * (per - 1);
      int below = (int) Math.floor(rank);
      int above = Math.min(below + 1, per - 1);
      float w = rank - below;
      float lo = abs[below];
      float hi = abs[above];
      // torch.lerp's two-sided form
      float q = w < 0.5f ? lo + w * (hi - lo) : hi - (hi - lo) * (1f - w);
      float s = q;
      if (s < 1f) {
        s = 1f;
      }
      if (s > (float) maxValue) {
        s = (float) maxValue;
      }
      for (int i = 0; i < per; i++) {
        float v = data[off + i];
        v = v < -s ? -s : (v > s ? s : v);
        data[off + i] = v / s;
      }
    }
  }

  /**
   * Solves {@code A x = b} for a small dense system in float32 by LU with partial pivoting (as
   * LAPACK's {@code sgesv} behind {@code torch.linalg.solve}).
   *
   * @throws IllegalStateException when A is singular (diffusers raises there too)
   */
  static float[] solve(float[][] a, float[] b) {
    int n = b.length;
    float[][] m = new float[n][];
    for (int i = 0; i < n; i++) {
      m[i] = a[i].clone();
    }
    float[] x = b.clone();
    for (int k = 0; k < n; k++) {
      int p = k;
      for (int i = k + 1; i < n; i++) {
        if (Math.abs(m[i][k]) > Math.abs(m[p][k])) {
          p = i;
        }
      }
      if (m[p][k] == 0f) {
        throw new IllegalStateException("singular system in the UniPC coefficient solve (repeated timesteps?)");
      }
      float[] tmp = m[p];
      m[p] = m[k];
      m[k] = tmp;
      float tb = x[p];
      x[p] = x[k];
      x[k] = tb;
      float inv = 1f / m[k][k];
      for (int i = k + 1; i < n; i++) {
        float l = m[i][k] * inv;
        m[i][k] = l;
        for (int j = k + 1; j < n; j++) {
          m[i][j] -= l * m[k][j];
        }
      }
    }
    for (int k = 0; k < n; k++) {
      for (int i = k + 1; i < n; i++) {
        x[i] -= x[k] * m[i][k];
      }
    }
    for (int k = n - 1; k >= 0; k--) {
      x[k] = x[k] / m[k][k];
      for (int i = 0; i < k; i++) {
        x[i] -= x[k] * m[i][k];
      }
    }
    return x;
  }
}
