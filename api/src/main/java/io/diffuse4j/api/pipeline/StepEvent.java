package io.diffuse4j.api.pipeline;

import io.diffuse4j.api.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Progress of one denoising step.
 *
 * <p>Immutable and thread-safe (the latents and previews must not be modified; return new latents
 * from {@link ProgressListener#onStepEnd} to change the run).
 *
 * @param step the 0-based index of the step just finished
 * @param totalSteps the number of steps of this run
 * @param timestep the timestep of that step
 * @param latents the latents of the whole batch after the step, {@code [images, channels, h, w]} (do not modify)
 * @param previews a cheap preview of every image of the batch, in order, when the listener asked for them,
 *     else empty
 */
public record StepEvent(int step, int totalSteps, double timestep, FloatTensor latents, List<BufferedImage> previews) {

  /** Copies the preview list. */
  public StepEvent {
    previews = previews == null ? List.of() : List.copyOf(previews);
  }

  /** The first image's preview, or null when previews were not asked for. */
  public BufferedImage preview() {
    return previews.isEmpty() ? null : previews.get(0);
  }
}
