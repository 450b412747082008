package io.diffuse4j.api.pipeline;

/**
 * A failure the user can act on: bad model folder, bad request, numerical breakdown. The
 * message names the problem and the fix (file, field, value).
 *
 * <p>The subtypes say whose fault it is: {@link InvalidRequestException} (the request),
 * {@link InvalidModelException} (the model files), {@link GenerationFailedException} (the run)
 * and {@link GenerationCancelledException} (an outcome, not an error).
 */
public class DiffusionException extends RuntimeException {

  /** An error with its message. */
  public DiffusionException(String message) {
    super(message);
  }

  /** An error with its message and cause. */
  public DiffusionException(String message, Throwable cause) {
    super(message, cause);
  }
}
