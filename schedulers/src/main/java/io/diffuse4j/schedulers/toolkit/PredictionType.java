package io.diffuse4j.schedulers.toolkit;

import java.util.Locale;

/**
 * diffusers' {@code prediction_type}: what the U-Net predicts. Each scheduler passes the subset
 * its diffusers class accepts to {@link ConfigReader#option}.
 *
 * <p>Immutable and thread-safe.
 */
public enum PredictionType implements ConfigValue {
  /** The noise ε (Ho et al. 2020). */
  EPSILON,
  /** The denoised sample x₀. */
  SAMPLE,
  /** diffusers' Euler spelling of {@link #SAMPLE}. */
  ORIGINAL_SAMPLE,
  /** The velocity {@code v = α ε − σ x₀} (Salimans &amp; Ho 2022, arXiv:2202.00512). */
  V_PREDICTION,
  /** The flow-matching velocity {@code ε − x₀}. */
  FLOW_PREDICTION;

  @Override
  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the model output is the denoised sample itself ({@link #SAMPLE} or {@link #ORIGINAL_SAMPLE}). */
  public boolean isSample() {
    return this == SAMPLE || this == ORIGINAL_SAMPLE;
  }
}
