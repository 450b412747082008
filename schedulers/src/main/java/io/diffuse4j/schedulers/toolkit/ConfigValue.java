package io.diffuse4j.schedulers.toolkit;

/**
 * A typed scheduler option: an enum whose constants stand for the strings one
 * {@code scheduler_config.json} key accepts, read once by {@link ConfigReader#option} so that
 * steps switch on the constant, never on the string.
 *
 * <pre>{@code
 * PredictionType p = reader.option("prediction_type", PredictionType.EPSILON, PredictionType.values());
 * }</pre>
 *
 * <p>Implementations are enums: immutable and thread-safe.
 */
public interface ConfigValue {

  /** The value as the config writes it ({@code "v_prediction"}, {@code "karras"}, …). */
  String configValue();
}
