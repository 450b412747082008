package io.diffuse4j.schedulers.toolkit;

/**
 * The sigma schedule a run's interpolated sigmas are remapped to, chosen by diffusers'
 * {@code use_karras_sigmas}, {@code use_exponential_sigmas} and {@code use_beta_sigmas} (at most
 * one true). Read once with {@link #read}; {@link #remap} is then a switch on the constant.
 *
 * <pre>{@code
 * SigmaKind kind = SigmaKind.read(reader, "EulerDiscreteScheduler");
 * double[] sigmas = kind.remap(interpolated, null, null, steps);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public enum SigmaKind {
  /** The interpolated training sigmas as they are. */
  NONE,
  /** Karras et al. 2022, eq. (5), rho 7 ({@link SigmaSchedules#karras}). */
  KARRAS,
  /** Log-linear between the ends ({@link SigmaSchedules#exponential}). */
  EXPONENTIAL,
  /** Beta(0.6, 0.6) quantiles (Lee et al. 2024, {@link SigmaSchedules#beta}). */
  BETA;

  /**
   * Reads {@code use_karras_sigmas}, {@code use_exponential_sigmas} and {@code use_beta_sigmas}
   * (each false by default).
   *
   * @throws IllegalArgumentException naming the class when more than one is true
   */
  public static SigmaKind read(ConfigReader r, String className) {
    boolean karras = r.bool("use_karras_sigmas", false);
    boolean exponential = r.bool("use_exponential_sigmas", false);
    boolean beta = r.bool("use_beta_sigmas", false);
    if ((karras ? 1 : 0) + (exponential ? 1 : 0) + (beta ? 1 : 0) > 1) {
      throw new IllegalArgumentException(className + ": only one of use_beta_sigmas, use_exponential_sigmas,"
          + " use_karras_sigmas can be true");
    }
    return karras ? KARRAS : exponential ? EXPONENTIAL : beta ? BETA : NONE;
  }

  /**
   * The {@code n} sigmas of this kind between {@code sigmaMin} and {@code sigmaMax} (when null:
   * the last and the first of {@code in}); {@code in} itself for {@link #NONE}.
   */
  public double[] remap(double[] in, Double sigmaMin, Double sigmaMax, int n) {
    if (this == NONE) {
      return in;
    }
    double lo = sigmaMin != null ? sigmaMin : in[in.length - 1];
    double hi = sigmaMax != null ? sigmaMax : in[0];
    return switch (this) {
      case KARRAS -> SigmaSchedules.karras(lo, hi, n);
      case EXPONENTIAL -> SigmaSchedules.exponential(lo, hi, n);
      default -> SigmaSchedules.beta(lo, hi, n);
    };
  }
}
