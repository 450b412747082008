package io.diffuse4j.api.pipeline;

/**
 * A {@link GenerationRequest} (or another caller-supplied value) that cannot be honoured: the
 * message names the field, the value given and what would be accepted. The request can be fixed
 * and sent again; the pipeline is unaffected.
 */
public class InvalidRequestException extends DiffusionException {

  private final String field;

  /** A bad value for {@code field} (a request field name such as {@code "width"}). */
  public InvalidRequestException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** A bad value for {@code field}, with its cause. */
  public InvalidRequestException(String field, String message, Throwable cause) {
    super(message, cause);
    this.field = field;
  }

  /** The request field that was refused (e.g. {@code "steps"}), or {@code null} when several are. */
  public String field() {
    return field;
  }
}
