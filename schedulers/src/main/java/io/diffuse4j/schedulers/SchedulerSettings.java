package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scheduler config resolved against one diffusers class's {@code __init__} defaults: the
 * class's own keys take the given value or the default, unknown keys are kept as given (so the
 * config round-trips and can be handed on, as diffusers' {@code from_config}). Typed getters
 * name the key, the value and the fix when a value has the wrong type.
 *
 * <p>Immutable and thread-safe.
 */
final class SchedulerSettings {

  private final String className;
  private final Map<String, Object> values;

  private SchedulerSettings(String className, Map<String, Object> values) {
    this.className = className;
    this.values = values;
  }

  /** Resolves {@code given} against {@code defaults} (defaults first, in diffusers' order). */
  static SchedulerSettings resolve(String className, Map<String, Object> defaults, SchedulerConfig given) {
    LinkedHashMap<String, Object> merged = new LinkedHashMap<>(defaults);
    if (given != null) {
      merged.putAll(given.values());
    }
    return new SchedulerSettings(className, Collections.unmodifiableMap(merged));
  }

  /** The resolved config under this class's name. */
  SchedulerConfig toConfig() {
    return new SchedulerConfig(className, values);
  }

  /** Applies {@code overrides} on top of {@code config} (a provider's extra keys). */
  static SchedulerConfig withOverrides(SchedulerConfig config, Map<String, Object> overrides) {
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(config.values());
    copy.putAll(overrides);
    return new SchedulerConfig(config.className(), copy);
  }

  boolean isNull(String key) {
    return values.get(key) == null;
  }

  Object raw(String key) {
    return values.get(key);
  }

  int integer(String key) {
    Object v = values.get(key);
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE) {
        return (int) d;
      }
    }
    throw bad(key, v, "an integer");
  }

  double number(String key) {
    Object v = values.get(key);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw bad(key, v, "a number");
  }

  /** A number or null. */
  Double optionalNumber(String key) {
    Object v = values.get(key);
    return v == null ? null : number(key);
  }

  boolean bool(String key) {
    Object v = values.get(key);
    if (v instanceof Boolean b) {
      return b;
    }
    throw bad(key, v, "true or false");
  }

  /** A string or null. */
  String string(String key) {
    Object v = values.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw bad(key, v, "a string");
  }

  /** A list of numbers as doubles, or null. */
  double[] numbers(String key) {
    Object v = values.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof List<?> list) {
      double[] out = new double[list.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(list.get(i) instanceof Number n)) {
          throw bad(key, v, "a list of numbers");
        }
        out[i] = n.doubleValue();
      }
      return out;
    }
    if (v instanceof double[] d) {
      return d.clone();
    }
    throw bad(key, v, "a list of numbers");
  }

  /** Fails unless {@code value} is one of {@code allowed}. */
  String oneOf(String key, String value, String... allowed) {
    for (String a : allowed) {
      if (a.equals(value)) {
        return value;
      }
    }
    throw new IllegalArgumentException(className + ": " + key + " = " + quote(value)
        + " is not supported; use one of " + String.join(", ", allowed));
  }

  IllegalArgumentException bad(String key, Object value, String expected) {
    return new IllegalArgumentException(className + ": config key " + key + " = " + quote(value)
        + " must be " + expected);
  }

  IllegalArgumentException refuse(String message) {
    return new IllegalArgumentException(className + ": " + message);
  }

  private static String quote(Object v) {
    return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
  }
}
