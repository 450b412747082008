package io.diffuse4j.api.pipeline;

/**
 * Receives every step of a run, on the thread that runs it. Keep it quick.
 */
public interface ProgressListener {

  /** Ignores everything. */
  ProgressListener NONE = e -> { };

  /** Called after each denoising step. */
  void onStep(StepEvent event);

  /** Whether {@link StepEvent#preview()} should be filled (costs a small projection per step). */
  default boolean wantsPreviews() {
    return false;
  }

  /** Called with warnings about the request (unknown words, truncated prompt). */
  default void onWarning(String message) { }
}
