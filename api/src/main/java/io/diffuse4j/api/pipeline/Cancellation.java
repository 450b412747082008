package io.diffuse4j.api.pipeline;

/**
 * Asked by the pipeline before every step; when it answers true the run stops within one step,
 * frees its native memory and ends with {@link GenerationCancelledException}.
 * Implementations must be thread-safe (a UI thread cancels, a worker asks).
 */
@FunctionalInterface
public interface Cancellation {

  /** Never cancels. */
  Cancellation NONE = () -> false;

  /** Whether the run should stop. */
  boolean isCancelled();
}
