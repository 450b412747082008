package io.diffuse4j.api.scheduler;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of a diffusers {@code scheduler_config.json}: the class name and every field,
 * with diffusers' snake_case keys, kept as parsed JSON values (Double/Long/Boolean/String/List/null).
 * Unknown keys are kept, so a config round-trips and can be handed to another scheduler class
 * (diffusers' {@code from_config}: shared keys carry over, the new class's own keys take its
 * defaults). Each scheduler reads the keys it knows into its own typed settings.
 *
 * <pre>{@code
 * SchedulerConfig c = SchedulerConfig.of("DDIMScheduler", Map.of("beta_schedule", "scaled_linear"));
 * SchedulerConfig asEuler = c.withClassName("EulerDiscreteScheduler");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param className diffusers' {@code _class_name}, e.g. {@code DDIMScheduler}
 * @param values every other key, in file order (unmodifiable)
 */
public record SchedulerConfig(String className, Map<String, Object> values) {

  /** Copies {@code values} into an unmodifiable, order-keeping map without {@code _class_name}. */
  public SchedulerConfig {
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(values == null ? Map.of() : values);
    copy.remove("_class_name");
    values = Collections.unmodifiableMap(copy);
  }

  /** A config of the given class and values. */
  public static SchedulerConfig of(String className, Map<String, ?> values) {
    return new SchedulerConfig(className, new LinkedHashMap<>(values));
  }

  /** The same values under another class name. */
  public SchedulerConfig withClassName(String newClassName) {
    return new SchedulerConfig(newClassName, values);
  }

  /** A copy with {@code key} set to {@code value}. */
  public SchedulerConfig with(String key, Object value) {
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(values);
    copy.put(key, value);
    return new SchedulerConfig(className, copy);
  }

  /** Whether the key is present (even with a null value). */
  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** The raw value or null. */
  public Object get(String key) {
    return values.get(key);
  }
}
