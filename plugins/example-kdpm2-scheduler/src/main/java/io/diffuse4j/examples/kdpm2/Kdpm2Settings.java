package io.diffuse4j.examples.kdpm2;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * The keys of diffusers' {@code KDPM2DiscreteScheduler.__init__}, typed, with its defaults, read
 * with the schedulers module's shared {@link ConfigReader}. Keys of other scheduler classes are
 * not read (the scheduler's {@code config()} keeps them), so a model's {@code scheduler_config.json}
 * of any class can be used, as diffusers' {@code from_config} does.
 *
 * <pre>{@code
 * Kdpm2Settings s = Kdpm2Settings.read(new ConfigReader(modelConfig, Kdpm2Settings.CLASS_NAME));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param numTrainTimesteps {@code num_train_timesteps} (1000)
 * @param betaStart {@code beta_start} (0.00085)
 * @param betaEnd {@code beta_end} (0.012)
 * @param betaSchedule {@code beta_schedule}: linear (default), scaled_linear or squaredcos_cap_v2
 * @param trainedBetas {@code trained_betas}, or null (default)
 * @param useKarrasSigmas {@code use_karras_sigmas} (false)
 * @param useExponentialSigmas {@code use_exponential_sigmas} (false)
 * @param useBetaSigmas {@code use_beta_sigmas} (false; true is refused, see below)
 * @param predictionType {@code prediction_type}: epsilon (default) or v_prediction
 * @param timestepSpacing {@code timestep_spacing}: linspace (default), leading or trailing
 * @param stepsOffset {@code steps_offset} (0)
 */
public record Kdpm2Settings(
    int numTrainTimesteps,
    double betaStart,
    double betaEnd,
    String betaSchedule,
    double[] trainedBetas,
    boolean useKarrasSigmas,
    boolean useExponentialSigmas,
    boolean useBetaSigmas,
    String predictionType,
    String timestepSpacing,
    int stepsOffset) {

  /** diffusers' class name. */
  public static final String CLASS_NAME = "KDPM2DiscreteScheduler";

  /**
   * Refuses what diffusers' constructor refuses, with messages naming key and value.
   *
   * @throws IllegalArgumentException for a refused combination
   */
  public Kdpm2Settings {
    String where = CLASS_NAME + ": ";
    Objects.requireNonNull(betaSchedule, "betaSchedule");
    Objects.requireNonNull(predictionType, "predictionType");
    Objects.requireNonNull(timestepSpacing, "timestepSpacing");
    if (numTrainTimesteps < 2) {
      throw new IllegalArgumentException(where + "num_train_timesteps must be >= 2, got " + numTrainTimesteps);
    }
    trainedBetas = trainedBetas == null ? null : trainedBetas.clone();
    if (trainedBetas != null && trainedBetas.length != numTrainTimesteps) {
      throw new IllegalArgumentException(where + "trained_betas has " + trainedBetas.length
          + " values but num_train_timesteps is " + numTrainTimesteps);
    }
    int sigmaKinds = (useKarrasSigmas ? 1 : 0) + (useExponentialSigmas ? 1 : 0) + (useBetaSigmas ? 1 : 0);
    if (sigmaKinds > 1) {
      throw new IllegalArgumentException(where + "only one of use_beta_sigmas, use_exponential_sigmas, "
          + "use_karras_sigmas can be true");
    }
    if (useBetaSigmas) {
      throw new IllegalArgumentException(where + "use_beta_sigmas=true is not supported by the kdpm2 plugin "
          + "(diffusers needs scipy's beta.ppf for it); set it to false or use use_karras_sigmas");
    }
    if (predictionType.equals("sample")) {
      throw new IllegalArgumentException(where + "prediction_type 'sample' is not implemented by " + CLASS_NAME
          + " (diffusers raises NotImplementedError); use epsilon or v_prediction");
    }
  }

  /** diffusers' defaults. */
  public static Kdpm2Settings defaults() {
    return read(new ConfigReader(SchedulerConfig.of(CLASS_NAME, Map.of()), CLASS_NAME));
  }

  /**
   * Reads the keys this class knows (defaults for the rest) through {@code r}, which then gives
   * the effective config.
   *
   * @throws IllegalArgumentException naming the key when a value has the wrong type or is refused
   */
  public static Kdpm2Settings read(ConfigReader r) {
    return new Kdpm2Settings(
        r.integer("num_train_timesteps", 1000),
        r.number("beta_start", 0.00085),
        r.number("beta_end", 0.012),
        r.choice("beta_schedule", "linear", "linear", "scaled_linear", "squaredcos_cap_v2"),
        r.numbers("trained_betas"),
        r.bool("use_karras_sigmas", false),
        r.bool("use_exponential_sigmas", false),
        r.bool("use_beta_sigmas", false),
        r.choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample"),
        r.choice("timestep_spacing", "linspace", "linspace", "leading", "trailing"),
        r.integer("steps_offset", 0));
  }

  @Override
  public double[] trainedBetas() {
    return trainedBetas == null ? null : trainedBetas.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Kdpm2Settings s
        && numTrainTimesteps == s.numTrainTimesteps
        && Double.compare(betaStart, s.betaStart) == 0
        && Double.compare(betaEnd, s.betaEnd) == 0
        && betaSchedule.equals(s.betaSchedule)
        && Arrays.equals(trainedBetas, s.trainedBetas)
        && useKarrasSigmas == s.useKarrasSigmas
        && useExponentialSigmas == s.useExponentialSigmas
        && useBetaSigmas == s.useBetaSigmas
        && predictionType.equals(s.predictionType)
        && timestepSpacing.equals(s.timestepSpacing)
        && stepsOffset == s.stepsOffset;
  }

  @Override
  public int hashCode() {
    return Objects.hash(numTrainTimesteps, betaStart, betaEnd, betaSchedule, Arrays.hashCode(trainedBetas),
        useKarrasSigmas, useExponentialSigmas, useBetaSigmas, predictionType, timestepSpacing, stepsOffset);
  }

  @Override
  public String toString() {
    return "Kdpm2Settings[num_train_timesteps=" + numTrainTimesteps + ", beta_schedule=" + betaSchedule
        + ", trained_betas=" + (trainedBetas == null ? "null" : trainedBetas.length + " values")
        + ", use_karras_sigmas=" + useKarrasSigmas + ", use_exponential_sigmas=" + useExponentialSigmas
        + ", prediction_type=" + predictionType + ", timestep_spacing=" + timestepSpacing
        + ", steps_offset=" + stepsOffset + "]";
  }
}
