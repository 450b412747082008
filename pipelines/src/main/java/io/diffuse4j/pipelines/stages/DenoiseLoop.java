package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.model.Denoiser;
import io.diffuse4j.api.pipeline.Cancellation;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.GenerationCancelledException;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.StepEvent;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.LatentPreview;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The denoising loop, as in diffusers' {@code __call__}: per timestep, expand the latents for the
 * guidance, scale them for the scheduler, add the inpainting channels, predict the noise, combine
 * it, step the scheduler; then inpainting's blend, a NaN check, the progress event and the
 * cancellation check. Thread-safe: all per-run state is in the arguments.
 */
public final class DenoiseLoop {

  private final Denoiser denoiser;
  private final LatentPreview preview;

  /** A loop over {@code denoiser}, rendering previews with {@code preview} when a listener wants them. */
  public DenoiseLoop(Denoiser denoiser, LatentPreview preview) {
    this.denoiser = denoiser;
    this.preview = preview;
  }

  /** Runs every timestep of {@code start}; returns the final latents. */
  public FloatTensor run(Scheduler scheduler, InitialLatents.Start start, Conditioning cond, Guidance guidance,
      StepContext ctx, ProgressListener listener, Cancellation cancellation) {
    double[] timesteps = start.timesteps();
    FloatTensor latents = start.latents();
    for (int i = 0; i < timesteps.length; i++) {
      if (cancellation.isCancelled()) {
        throw new GenerationCancelledException(i);
      }
      double t = timesteps[i];
      FloatTensor x = start.inpainting().modelInput(scheduler.scaleModelInput(guidance.expand(latents), t), guidance);
      FloatTensor noisePred = guidance.combine(denoiser.predict(x, t, cond));
      latents = scheduler.step(noisePred, t, latents, ctx);
      latents = start.inpainting().afterStep(scheduler, latents, timesteps, i);
      checkFinite(latents, i, timesteps.length, t);
      List<BufferedImage> previews = new ArrayList<>();
      if (listener.wantsPreviews()) {
        for (int k = 0; k < latents.dim(0); k++) {
          previews.add(preview.render(latents, k));
        }
      }
      StepEvent event = new StepEvent(i, timesteps.length, t, latents, previews);
      listener.onStep(event);
      latents = replaced(latents, listener.onStepEnd(event), i);
    }
    if (cancellation.isCancelled()) {
      throw new GenerationCancelledException(timesteps.length);
    }
    return latents;
  }

  /** The listener's latents after step {@code i}, checked. */
  private static FloatTensor replaced(FloatTensor latents, FloatTensor fromListener, int i) {
    if (fromListener == latents) {
      return latents;
    }
    if (fromListener == null || !Arrays.equals(fromListener.shape(), latents.shape())) {
      throw new InvalidRequestException("listener", "ProgressListener.onStepEnd returned latents of shape "
          + (fromListener == null ? "null" : Arrays.toString(fromListener.shape())) + " after step " + (i + 1)
          + "; it must return latents of shape " + Arrays.toString(latents.shape())
          + " (event.latents() to keep them)");
    }
    return fromListener;
  }

  private static void checkFinite(FloatTensor latents, int i, int n, double t) {
    int bad = latents.firstNonFinite();
    if (bad >= 0) {
      throw new DiffusionException("The latents became " + latents.data()[bad] + " (NaN or infinite) at step "
          + (i + 1) + " of " + n + " (timestep " + t + "); the model or scheduler settings broke down."
          + " With fp16 models try an fp32 VAE/U-Net; else try another scheduler or fewer steps.");
    }
  }
}
