package io.diffuse4j.schedulers.toolkit;

import io.diffuse4j.schedulers.SchedulerMath;
import java.util.Locale;

/**
 * diffusers' {@code timestep_spacing}: how a run's timesteps are placed over the training
 * timesteps (Lin et al. 2023, <a href="https://arxiv.org/abs/2305.08891">arXiv:2305.08891</a>, Table 2).
 * Parse the config value once with {@link #parse}; then use the typed value in loops.
 *
 * <pre>{@code
 * TimestepSpacing spacing = TimestepSpacing.parse(reader.choice("timestep_spacing", "linspace",
 *     TimestepSpacing.names()));
 * float[] t = spacing.sigmaTimesteps(1000, 20, 1);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public enum TimestepSpacing implements ConfigValue {
  /** {@code np.linspace(0, T - 1, n)}, descending. */
  LINSPACE,
  /** {@code arange(n) * (T // n) + steps_offset}, descending. */
  LEADING,
  /** {@code round(arange(T, 0, -T / n)) - 1}. */
  TRAILING;

  /** The config value ({@code linspace}, {@code leading}, {@code trailing}). */
  @Override
  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The config values, for {@link ConfigReader#choice}. */
  public static String[] names() {
    return new String[] {"linspace", "leading", "trailing"};
  }

  /**
   * The spacing named by a config value.
   *
   * @throws IllegalArgumentException naming the value and the allowed ones
   */
  public static TimestepSpacing parse(String value) {
    for (TimestepSpacing s : values()) {
      if (s.configValue().equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException("timestep_spacing '" + value
        + "' is not supported; use linspace, leading or trailing");
  }

  /**
   * The float32 timesteps of the sigma-space (k-diffusion style) schedulers, descending:
   * {@code linspace} keeps the fractional values (diffusers' {@code np.float32} arrays).
   */
  public float[] sigmaTimesteps(int numTrain, int steps, int stepsOffset) {
    return SchedulerMath.sigmaTimesteps(configValue(), numTrain, steps, stepsOffset);
  }

  /** The whole-number timesteps of the DDPM/DDIM families (linspace rounded), descending. */
  public long[] integerTimesteps(int numTrain, int steps, int stepsOffset) {
    return SchedulerMath.spacedTimesteps(configValue(), numTrain, steps, stepsOffset);
  }

  /**
   * diffusers' {@code init_noise_sigma} of a sigma-space scheduler: the largest sigma for
   * {@code linspace} and {@code trailing}, {@code sqrt(max² + 1)} (float32) for {@code leading}.
   */
  public double initNoiseSigma(float maxSigma) {
    if (this != LEADING) {
      return maxSigma;
    }
    return (float) Math.sqrt(maxSigma * maxSigma + 1f);
  }
}
