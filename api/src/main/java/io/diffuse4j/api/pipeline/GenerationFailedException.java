package io.diffuse4j.api.pipeline;

/**
 * A run that started with a valid request and valid model files but failed while computing:
 * the inference runtime refused or crashed, memory ran out, the latents became NaN. The message
 * names the stage (and step) where it happened.
 */
public class GenerationFailedException extends DiffusionException {

  /** A failure with its message. */
  public GenerationFailedException(String message) {
    super(message);
  }

  /** A failure with its message and cause. */
  public GenerationFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
