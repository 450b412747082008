package io.diffuse4j.api.pipeline;

/**
 * Thrown when a run was cancelled (its {@link Cancellation}, an interrupt, a deadline or a
 * closing pipeline): an outcome, not an error.
 */
public class GenerationCancelledException extends DiffusionException {

  private final int completedSteps;

  /** A cancellation after {@code completedSteps} steps. */
  public GenerationCancelledException(int completedSteps) {
    super("Generation cancelled after " + completedSteps + " step(s)");
    this.completedSteps = completedSteps;
  }

  /** A cancellation after {@code completedSteps} steps, with a message saying why. */
  public GenerationCancelledException(int completedSteps, String message) {
    super(message);
    this.completedSteps = completedSteps;
  }

  /** Steps finished before the run stopped. */
  public int completedSteps() {
    return completedSteps;
  }
}
