package io.diffuse4j.schedulers.toolkit;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reading of a {@link SchedulerConfig} with a scheduler class's defaults (diffusers'
 * {@code __init__} defaults), recording every key it reads so {@link #effectiveConfig()} gives the
 * config as the scheduler uses it: the input's keys (unknown ones kept) plus this class's defaults,
 * under this class's name. Errors name the class, the key, the value and what is allowed.
 * Not thread-safe: use while constructing one scheduler.
 */
public final class ConfigReader {

  private final SchedulerConfig source;
  private final String className;
  private final Map<String, Object> effective;

  /** A reader of {@code source} for the scheduler class {@code className}. */
  public ConfigReader(SchedulerConfig source, String className) {
    this.source = source;
    this.className = className;
    this.effective = new LinkedHashMap<>(source.values());
  }

  private Object raw(String key, Object def) {
    Object v = source.values().containsKey(key) ? source.get(key) : def;
    effective.put(key, v);
    return v;
  }

  /**
   * Largest {@code num_train_timesteps} accepted: arrays of that length are allocated per
   * scheduler (diffusers' models use 1000; a config asking for 1e9 would need gigabytes).
   */
  public static final int MAX_TRAIN_TIMESTEPS = 100_000;
  /** Longest list of numbers accepted ({@code trained_betas} has num_train_timesteps values). */
  public static final int MAX_LIST = MAX_TRAIN_TIMESTEPS;

  /** An integer key ({@code num_train_timesteps} is capped at {@link #MAX_TRAIN_TIMESTEPS}). */
  public int integer(String key, int def) {
    Object v = raw(key, (long) def);
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
      if ("num_train_timesteps".equals(key) && (n.longValue() < 1 || n.longValue() > MAX_TRAIN_TIMESTEPS)) {
        throw bad(key, v, "an integer from 1 to " + MAX_TRAIN_TIMESTEPS + " (diffusers' models use 1000)");
      }
      return (int) n.longValue();
    }
    throw bad(key, v, "an integer");
  }

  /** An optional integer key (null when absent or null). */
  public Integer optInteger(String key) {
    Object v = raw(key, null);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return (int) n.longValue();
    }
    throw bad(key, v, "an integer or null");
  }

  /** A number key ({@code -Infinity} allowed). */
  public double number(String key, double def) {
    Object v = raw(key, def);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      switch (s) {
        case "-Infinity", "-inf" -> {
          return Double.NEGATIVE_INFINITY;
        }
        case "Infinity", "inf" -> {
          return Double.POSITIVE_INFINITY;
        }
        default -> { }
      }
    }
    throw bad(key, v, "a number");
  }

  /** An optional number key (null when absent or null). */
  public Double optNumber(String key) {
    if (source.values().get(key) == null) {
      raw(key, null);
      return null;
    }
    return number(key, 0);
  }

  /** A boolean key. */
  public boolean bool(String key, boolean def) {
    Object v = raw(key, def);
    if (v instanceof Boolean b) {
      return b;
    }
    throw bad(key, v, "true or false");
  }

  /** A string key restricted to {@code allowed}. */
  public String choice(String key, String def, String... allowed) {
    Object v = raw(key, def);
    if (v instanceof String s && Arrays.asList(allowed).contains(s)) {
      return s;
    }
    throw new IllegalArgumentException(className + ": " + key + " " + show(v) + " is not supported; use one of "
        + String.join(", ", allowed));
  }

  /**
   * A typed option: the string of {@code key} as one of {@code allowed}, read once (steps then
   * switch on the constant).
   *
   * @throws IllegalArgumentException naming the class, key and value, and listing the allowed values
   */
  @SafeVarargs
  public final <E extends Enum<E> & ConfigValue> E option(String key, E def, E... allowed) {
    String[] names = new String[allowed.length];
    for (int i = 0; i < allowed.length; i++) {
      names[i] = allowed[i].configValue();
    }
    String s = choice(key, def.configValue(), names);
    for (E e : allowed) {
      if (e.configValue().equals(s)) {
        return e;
      }
    }
    throw new AssertionError(s);
  }

  /** An optional list of numbers (null when absent or null). */
  public double[] numbers(String key) {
    Object v = raw(key, null);
    if (v == null) {
      return null;
    }
    if (v instanceof List<?> l) {
      if (l.size() > MAX_LIST) {
        throw new IllegalArgumentException(className + ": " + key + " has " + l.size() + " values; at most "
            + MAX_LIST + " are accepted");
      }
      double[] out = new double[l.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(l.get(i) instanceof Number n)) {
          throw bad(key, v, "a list of numbers");
        }
        out[i] = n.doubleValue();
      }
      return out;
    }
    throw bad(key, v, "a list of numbers or null");
  }

  /** Records a key this class knows but does not use, keeping its value or default. */
  public void keep(String key, Object def) {
    raw(key, def);
  }

  /** An error for a bad value of {@code key}. */
  public IllegalArgumentException bad(String key, Object v, String expected) {
    return new IllegalArgumentException(className + ": " + key + " " + show(v) + " is invalid; expected " + expected);
  }

  private static String show(Object v) {
    return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
  }

  /** The config as the scheduler uses it. */
  public SchedulerConfig effectiveConfig() {
    return new SchedulerConfig(className, effective);
  }
}
