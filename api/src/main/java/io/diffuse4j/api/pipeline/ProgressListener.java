package io.diffuse4j.api.pipeline;

import io.diffuse4j.api.tensor.FloatTensor;

/**
 * Receives every step of a run, on the thread that runs it. Keep it quick. Implementations are
 * called from one thread per run; one listener shared by concurrent runs must be thread-safe.
 *
 * <pre>{@code
 * ProgressListener halveNoise = new ProgressListener() {
 *   public void onStep(StepEvent e) { System.out.println("step " + (e.step() + 1) + "/" + e.totalSteps()); }
 *   public FloatTensor onStepEnd(StepEvent e) { return e.latents(); } // or new latents of the same shape
 * };
 * }</pre>
 */
public interface ProgressListener {

  /** Ignores everything. */
  ProgressListener NONE = e -> { };

  /** Called after each denoising step. */
  void onStep(StepEvent event);

  /**
   * Called after {@link #onStep}, as diffusers' {@code callback_on_step_end}: the latents returned
   * continue the run (the next step, or the decoder after the last one). Return
   * {@code event.latents()} to keep them; new latents must have the same shape. Default: keep.
   */
  default FloatTensor onStepEnd(StepEvent event) {
    return event.latents();
  }

  /** Whether {@link StepEvent#previews()} should be filled, one per image (costs a small projection per step). */
  default boolean wantsPreviews() {
    return false;
  }

  /** Called with warnings about the request (unknown words, truncated prompt). */
  default void onWarning(String message) { }
}
