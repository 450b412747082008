package io.diffuse4j.api.pipeline;

import java.nio.file.Path;

/**
 * Model files that cannot be used: missing, malformed, of the wrong shape or refused for safety.
 * The message names the file and, where it applies, the input, output or JSON field.
 */
public class InvalidModelException extends DiffusionException {

  private final Path file;

  /** A problem with {@code file} (may be {@code null} when no single file is at fault). */
  public InvalidModelException(Path file, String message) {
    super(message);
    this.file = file;
  }

  /** A problem with {@code file}, with its cause. */
  public InvalidModelException(Path file, String message, Throwable cause) {
    super(message, cause);
    this.file = file;
  }

  /** The file at fault, or {@code null}. */
  public Path file() {
    return file;
  }
}
