package io.diffuse4j.schedulers.toolkit;

import io.diffuse4j.schedulers.SchedulerMath;

/**
 * Sigma schedules, as diffusers computes them: the training sigmas, their interpolation at a
 * run's timesteps, the Karras, exponential and Beta remappings, and {@code _sigma_to_t}.
 * diffusers evaluates {@code _sigma_to_t} in NumPy float64 for some classes, with float32
 * {@code log_sigmas} for others, and in torch float32 for KDPM2's midpoints; the three twins are
 * named by their arithmetic so a scheduler picks the one its class uses.
 *
 * <pre>{@code
 * float[] train = TrainingSchedule.of("scaled_linear", 1000, 0.00085, 0.012, null, false).sigmasFloat32();
 * double[] sigmas = SigmaSchedules.interpolate(TimestepSpacing.LINSPACE.sigmaTimesteps(1000, 20, 0), train);
 * double[] karras = SigmaSchedules.karras(sigmas[sigmas.length - 1], sigmas[0], 20);
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class SigmaSchedules {

  private SigmaSchedules() {}

  /** {@code ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5} as a float32 torch expression. */
  public static float[] trainingSigmasFloat32(float[] alphasCumprod) {
    float[] s = new float[alphasCumprod.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) Math.sqrt((1f - alphasCumprod[i]) / alphasCumprod[i]);
    }
    return s;
  }

  /** {@code np.log} of a float32 array, as float32 (correctly rounded). */
  public static float[] logFloat32(float[] x) {
    float[] o = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      o[i] = (float) Math.log(x[i]);
    }
    return o;
  }

  /** {@code np.interp(timesteps, arange(T), trainSigmas)} in float64, as NumPy evaluates it. */
  public static double[] interpolate(float[] timesteps, float[] trainSigmas) {
    double[] out = new double[timesteps.length];
    for (int i = 0; i < timesteps.length; i++) {
      out[i] = SchedulerMath.interpIndex(timesteps[i], trainSigmas);
    }
    return out;
  }

  /** Karras et al. (2022) sigmas from {@code sigmaMax} down to {@code sigmaMin}, rho = 7. */
  public static double[] karras(double sigmaMin, double sigmaMax, int n) {
    return SchedulerMath.karrasSigmas(sigmaMin, sigmaMax, n);
  }

  /** diffusers' {@code _convert_to_exponential}: {@code exp(np.linspace(log(max), log(min), n))}. */
  public static double[] exponential(double sigmaMin, double sigmaMax, int n) {
    double[] l = SchedulerMath.npLinspace(Math.log(sigmaMax), Math.log(sigmaMin), n);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.exp(l[i]);
    }
    return out;
  }

  /** diffusers' {@code _convert_to_beta} with {@code alpha = beta = 0.6} (scipy's {@code beta.ppf}). */
  public static double[] beta(double sigmaMin, double sigmaMax, int n) {
    return SchedulerMath.betaSigmas(sigmaMin, sigmaMax, n, 0.6, 0.6);
  }

  /** {@code _sigma_to_t} in float64 throughout (NumPy, float64 {@code log_sigmas}). */
  public static double sigmaToTimestepFloat64(double sigma, double[] logSigmas) {
    return SchedulerMath.sigmaToT(sigma, logSigmas);
  }

  /**
   * {@code _sigma_to_t} as NumPy 1.x evaluates it with float32 {@code log_sigmas}: the float64
   * {@code log(sigma)} meets the float32 array, so distances and the weight are float32
   * (value-based casting); the blend is float64. The index is the last at or below
   * {@code log(sigma)}, clipped to {@code T - 2}.
   */
  public static double sigmaToTimestepFloat32Logs(double sigma, float[] logSigmas) {
    float ls = (float) Math.log(Math.max(sigma, 1e-10));
    int low = SchedulerMath.sigmaLowIndex(ls, i -> logSigmas[i], logSigmas.length);
    int high = low + 1;
    float lo = logSigmas[low];
    float hi = logSigmas[high];
    float w = (lo - ls) / (lo - hi);
    w = Math.max(0f, Math.min(1f, w));
    return (1f - w) * (double) low + (double) w * high;
  }

  /**
   * {@code _sigma_to_t} as torch evaluates it on a float32 sigma tensor: log sigma, distances,
   * weight and blend all in float32 (KDPM2's midpoint timesteps).
   */
  public static float sigmaToTimestepFloat32(float sigma, float[] logSigmas) {
    float logSigma = (float) Math.log(Math.max(sigma, 1e-10));
    int low = SchedulerMath.sigmaLowIndex(logSigma, i -> logSigmas[i], logSigmas.length);
    float lo = logSigmas[low];
    float hi = logSigmas[low + 1];
    float w = (lo - logSigma) / (lo - hi);
    w = Math.max(0f, Math.min(1f, w));
    return (1f - w) * low + w * (low + 1);
  }
}
