package io.diffuse4j.schedulers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes diffusers' {@code scheduler_config.json}. Accepts the non-standard numbers
 * ({@code -Infinity}, {@code NaN}) Python's {@code json} writes, and writes them back the same way,
 * so a config round-trips. Numbers are read as {@link Double} (integral ones as {@link Long}).
 * Stateless and thread-safe.
 */
public final class SchedulerConfigJson {

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .configure(JsonWriteFeature.WRITE_NAN_AS_STRINGS, false)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  private SchedulerConfigJson() {}

  /** Largest {@code scheduler_config.json} read (real ones are about 1 KB; trained_betas about 25 KB). */
  public static final long MAX_FILE_BYTES = 4L << 20;

  /** Parses a {@code scheduler_config.json} file (at most {@link #MAX_FILE_BYTES}, UTF-8). */
  public static SchedulerConfig parse(Path file) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(size + " bytes; a scheduler_config.json is at most " + MAX_FILE_BYTES
            + " bytes (real ones are about 1 KB)");
      }
      return parse(Files.readString(file));
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IllegalArgumentException("Scheduler config " + file + " is not valid UTF-8 JSON", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("Could not read scheduler config " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Scheduler config " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the JSON text of a scheduler config. */
  public static SchedulerConfig parse(String json) {
    try {
      Map<String, Object> m = MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
      return fromMap(m);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** A config from an already parsed JSON object (e.g. the {@code scheduler_config} of a conformance case). */
  public static SchedulerConfig fromMap(Map<String, Object> m) {
    Object cls = m.get("_class_name");
    if (!(cls instanceof String s) || s.isEmpty()) {
      throw new IllegalArgumentException("no \"_class_name\" naming the diffusers scheduler class");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    m.forEach((k, v) -> values.put(k, normalise(v)));
    return new SchedulerConfig(s, values);
  }

  private static Object normalise(Object v) {
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof java.math.BigInteger b) {
      return b.doubleValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    return v;
  }

  /** The JSON text of a config, {@code _class_name} first. */
  public static String toJson(SchedulerConfig config) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("_class_name", config.className());
    m.putAll(config.values());
    try {
      return MAPPER.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write scheduler config: " + e.getMessage(), e);
    }
  }
}
