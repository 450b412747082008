package io.diffuse4j.samples.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Typed reads of request JSON fields, each failure a 400 naming the field, the value and what is
 * accepted; limits come from the {@link ServerSettings}. Immutable and thread-safe.
 */
final class Fields {

  private final ObjectNode node;
  private final ServerSettings limits;

  private Fields(ObjectNode node, ServerSettings limits) {
    this.node = node;
    this.limits = limits;
  }

  /** Parses a request body that must be a JSON object. */
  static Fields parse(ObjectMapper json, String body, ServerSettings limits) {
    JsonNode n;
    try {
      n = json.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(null, "The request body is not valid JSON: " + e.getOriginalMessage()
          + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    }
    if (n == null || !n.isObject()) {
      throw ApiException.badRequest(null, "The request body must be a JSON object, got "
          + (n == null || n.isMissingNode() ? "nothing" : n.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return new Fields((ObjectNode) n, limits);
  }

  ObjectNode node() {
    return node;
  }

  ServerSettings limits() {
    return limits;
  }

  boolean has(String name) {
    JsonNode v = node.get(name);
    return v != null && !v.isNull();
  }

  String string(String name, String dflt) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest(name, name + " must be a string, got " + v);
    }
    return v.asText();
  }

  long integer(String name, long dflt, long min, long max) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      throw ApiException.badRequest(name, name + " must be a whole number, got " + v);
    }
    if (!v.canConvertToLong()) {
      throw ApiException.badRequest(name, name + " is out of range: " + v);
    }
    long x = v.asLong();
    if (x < min || x > max) {
      throw ApiException.badRequest(name, name + " must be in [" + min + ", " + max + "], got " + x);
    }
    return x;
  }

  double number(String name, double dflt, double min, double max) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isNumber()) {
      throw ApiException.badRequest(name, name + " must be a number, got " + v);
    }
    double x = v.asDouble();
    if (!(x >= min && x <= max)) {
      throw ApiException.badRequest(name, name + " must be in [" + min + ", " + max + "], got " + v);
    }
    return x;
  }

  boolean bool(String name, boolean dflt) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isIntegralNumber()) {
      return v.asLong() != 0;
    }
    throw ApiException.badRequest(name, name + " must be true or false, got " + v);
  }

  /** An optional image size field, checked against the server's limits. */
  Integer side(String name) {
    if (!has(name)) {
      return null;
    }
    return (int) integer(name, 0, 8, limits.maxSide());
  }

  /** Checks width x height against the pixel limit. */
  void checkPixels(Integer w, Integer h) {
    if (w != null && h != null && (long) w * h > limits.maxPixels()) {
      throw ApiException.badRequest("width", "width x height = " + w + "x" + h + " is more than this server's "
          + limits.maxPixels() + " pixels");
    }
  }

  /** Random seeds as AUTOMATIC1111 draws them: in [0, 2^32 - 2]. */
  static long randomSeed() {
    return java.util.concurrent.ThreadLocalRandom.current().nextLong(4294967294L);
  }
}
