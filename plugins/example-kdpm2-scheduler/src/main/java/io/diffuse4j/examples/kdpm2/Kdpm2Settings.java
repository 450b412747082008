package io.diffuse4j.examples.kdpm2;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of diffusers' {@code KDPM2DiscreteScheduler.__init__}, typed, with its defaults. Keys
 * of other scheduler classes are not read (and kept in {@link #toConfig}), so a model's
 * {@code scheduler_config.json} of any class can be used, as diffusers' {@code from_config} does.
 *
 * <pre>{@code
 * Kdpm2Settings s = Kdpm2Settings.from(SchedulerConfig.of("PNDMScheduler", Map.of("beta_schedule", "scaled_linear")));
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
 * @param useBetaSigmas {@code use_beta_sigmas} (false)
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

  private static final List<String> BETA_SCHEDULES = List.of("linear", "scaled_linear", "squaredcos_cap_v2");
  private static final List<String> SPACINGS = List.of("linspace", "leading", "trailing");

  /**
   * Checks the values the way diffusers' constructor does, with messages naming key and value.
   *
   * @throws IllegalArgumentException for a value diffusers refuses (or this port does not support)
   */
  public Kdpm2Settings {
    String where = CLASS_NAME + " config: ";
    if (numTrainTimesteps < 2) {
      throw new IllegalArgumentException(where + "num_train_timesteps must be >= 2, got " + numTrainTimesteps);
    }
    if (trainedBetas == null && !BETA_SCHEDULES.contains(betaSchedule)) {
      throw new IllegalArgumentException(where + "beta_schedule '" + betaSchedule + "' is not implemented; use one of "
          + BETA_SCHEDULES);
    }
    if (trainedBetas != null) {
      trainedBetas = trainedBetas.clone();
      if (trainedBetas.length != numTrainTimesteps) {
        throw new IllegalArgumentException(where + "trained_betas has " + trainedBetas.length
            + " values but num_train_timesteps is " + numTrainTimesteps);
      }
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
    if ("sample".equals(predictionType)) {
      throw new IllegalArgumentException(where + "prediction_type 'sample' is not implemented by "
          + CLASS_NAME + " (diffusers raises NotImplementedError); use epsilon or v_prediction");
    }
    if (!"epsilon".equals(predictionType) && !"v_prediction".equals(predictionType)) {
      throw new IllegalArgumentException(where + "prediction_type '" + predictionType
          + "' must be one of epsilon or v_prediction");
    }
    if (!SPACINGS.contains(timestepSpacing)) {
      throw new IllegalArgumentException(where + "timestep_spacing '" + timestepSpacing
          + "' is not supported; use one of " + SPACINGS);
    }
  }

  /** diffusers' defaults. */
  public static Kdpm2Settings defaults() {
    return from(SchedulerConfig.of(CLASS_NAME, Map.of()));
  }

  /**
   * Reads the keys this class knows from {@code config} (of any class), defaults for the rest.
   *
   * @throws IllegalArgumentException naming the key when a value has the wrong type or is refused
   */
  public static Kdpm2Settings from(SchedulerConfig config) {
    ConfigReader r = new ConfigReader(config);
    return new Kdpm2Settings(
        r.integer("num_train_timesteps", 1000),
        r.number("beta_start", 0.00085),
        r.number("beta_end", 0.012),
        r.string("beta_schedule", "linear"),
        r.numbers("trained_betas"),
        r.bool("use_karras_sigmas", false),
        r.bool("use_exponential_sigmas", false),
        r.bool("use_beta_sigmas", false),
        r.string("prediction_type", "epsilon"),
        r.string("timestep_spacing", "linspace"),
        r.integer("steps_offset", 0));
  }

  /**
   * The config of a scheduler made from {@code original}: its keys kept, this class's keys set to
   * the values in use, class name {@value #CLASS_NAME}.
   */
  public SchedulerConfig toConfig(SchedulerConfig original) {
    Map<String, Object> v = new LinkedHashMap<>(original == null ? Map.of() : original.values());
    v.put("num_train_timesteps", (long) numTrainTimesteps);
    v.put("beta_start", betaStart);
    v.put("beta_end", betaEnd);
    v.put("beta_schedule", betaSchedule);
    v.put("trained_betas", trainedBetas == null ? null : java.util.Arrays.stream(trainedBetas).boxed().toList());
    v.put("use_karras_sigmas", useKarrasSigmas);
    v.put("use_exponential_sigmas", useExponentialSigmas);
    v.put("use_beta_sigmas", useBetaSigmas);
    v.put("prediction_type", predictionType);
    v.put("timestep_spacing", timestepSpacing);
    v.put("steps_offset", (long) stepsOffset);
    return new SchedulerConfig(CLASS_NAME, v);
  }

  @Override
  public double[] trainedBetas() {
    return trainedBetas == null ? null : trainedBetas.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Kdpm2Settings s && s.toConfig(null).equals(toConfig(null));
  }

  @Override
  public int hashCode() {
    return toConfig(null).hashCode();
  }

  /** Typed reads of parsed-JSON values with clear errors. */
  private record ConfigReader(SchedulerConfig config) {

    private Object raw(String key) {
      return config.get(key);
    }

    private IllegalArgumentException wrong(String key, String expected) {
      return new IllegalArgumentException(CLASS_NAME + " config: " + key + " must be " + expected + ", got "
          + raw(key) + (raw(key) == null ? "" : " (" + raw(key).getClass().getSimpleName() + ")"));
    }

    int integer(String key, int dflt) {
      Object v = raw(key);
      if (v == null) {
        return dflt;
      }
      if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
          && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
        return (int) n.doubleValue();
      }
      throw wrong(key, "a whole number");
    }

    double number(String key, double dflt) {
      Object v = raw(key);
      if (v == null) {
        return dflt;
      }
      if (v instanceof Number n) {
        return n.doubleValue();
      }
      throw wrong(key, "a number");
    }

    boolean bool(String key, boolean dflt) {
      Object v = raw(key);
      if (v == null) {
        return dflt;
      }
      if (v instanceof Boolean b) {
        return b;
      }
      throw wrong(key, "true or false");
    }

    String string(String key, String dflt) {
      Object v = raw(key);
      if (v == null) {
        return dflt;
      }
      if (v instanceof String s) {
        return s;
      }
      throw wrong(key, "a string");
    }

    double[] numbers(String key) {
      Object v = raw(key);
      if (v == null) {
        return null;
      }
      if (v instanceof List<?> list) {
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
          if (!(list.get(i) instanceof Number n)) {
            throw wrong(key, "a list of numbers (item " + i + " is " + list.get(i) + ")");
          }
          out[i] = n.doubleValue();
        }
        return out;
      }
      throw wrong(key, "null or a list of numbers");
    }
  }
}
