package io.diffuse4j.examples.kdpm2;

import io.diffuse4j.schedulers.SchedulerMath;

/**
 * The parts of KDPM2's schedule that diffusers computes in float32 torch arithmetic where the
 * shared {@link SchedulerMath} follows numpy's float64 (training sigmas, midpoint timesteps), and
 * the exponential sigma schedule. Everything else comes from {@link SchedulerMath}. Stateless.
 */
final class Kdpm2Math {

  private Kdpm2Math() {}

  /** {@code ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5} as a float32 torch expression. */
  static float[] trainSigmas(float[] alphasCumprod) {
    float[] out = new float[alphasCumprod.length];
    for (int i = 0; i < out.length; i++) {
      float ac = alphasCumprod[i];
      out[i] = (float) Math.sqrt((1f - ac) / ac);
    }
    return out;
  }

  /** {@code np.log} of float32 values, as float32. */
  static float[] log(float[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) Math.log(x[i]);
    }
    return out;
  }

  /**
   * diffusers' {@code _sigma_to_t} as torch evaluates it for a float32 sigma (the midpoints):
   * log sigma rounded to float32, the weight and the blend in float32.
   */
  static float sigmaToTFloat32(float sigma, float[] logSigmas) {
    float logSigma = (float) Math.log(Math.max(sigma, 1e-10));
    int n = logSigmas.length;
    int low = -1;
    for (int i = 0; i < n; i++) {
      if (logSigma - logSigmas[i] >= 0) {
        low = i;
      }
    }
    low = Math.max(0, Math.min(low, n - 2));
    float lo = logSigmas[low];
    float hi = logSigmas[low + 1];
    float w = (lo - logSigma) / (lo - hi);
    w = Math.max(0f, Math.min(1f, w));
    return (1f - w) * low + w * (low + 1);
  }

  /** diffusers' {@code _convert_to_exponential}: sigmas evenly spaced in log between max and min. */
  static double[] exponentialSigmas(double sigmaMin, double sigmaMax, int n) {
    double[] log = SchedulerMath.npLinspace(Math.log(sigmaMax), Math.log(sigmaMin), n);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.exp(log[i]);
    }
    return out;
  }
}
