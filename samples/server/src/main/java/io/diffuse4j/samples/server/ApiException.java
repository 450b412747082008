package io.diffuse4j.samples.server;

/**
 * A request the server refuses, answered as {@code {"error": code, "detail": message, "field": field}}
 * with an HTTP status. Immutable and thread-safe.
 */
final class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final String field;

  ApiException(int status, String code, String field, String message) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  static ApiException badRequest(String field, String message) {
    return new ApiException(400, "invalid_request", field, message);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, "not_found", null, message);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  String field() {
    return field;
  }
}
