package io.diffuse4j.schedulers.toolkit;

import java.util.Locale;

/**
 * diffusers' {@code final_sigmas_type}: the sigma a run ends at.
 *
 * <p>Immutable and thread-safe.
 */
public enum FinalSigmas implements ConfigValue {
  /** The run ends at sigma 0 (a fully denoised sample). */
  ZERO,
  /** The run ends at the training schedule's smallest sigma, {@code sqrt((1 - ᾱ₀) / ᾱ₀)}. */
  SIGMA_MIN;

  @Override
  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
