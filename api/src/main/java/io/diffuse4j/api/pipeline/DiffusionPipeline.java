package io.diffuse4j.api.pipeline;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A loaded model that turns requests into images: text-to-image, image-to-image (when the
 * request has an init image) and inpainting (init image and mask). Holds the model's native
 * sessions: close it when done.
 *
 * <p>Thread-safe: concurrent {@link #generate} calls share the sessions.
 */
public interface DiffusionPipeline extends AutoCloseable {

  /** Generates, reporting progress and honouring cancellation. */
  GenerationResult generate(GenerationRequest request, ProgressListener listener, Cancellation cancellation);

  /** Generates without progress or cancellation. */
  default GenerationResult generate(GenerationRequest request) {
    return generate(request, ProgressListener.NONE, Cancellation.NONE);
  }

  /**
   * Generates on {@code executor}; cancelling the future stops the run within one step and the
   * future completes exceptionally with {@link java.util.concurrent.CancellationException}.
   */
  default CompletableFuture<GenerationResult> generateAsync(GenerationRequest request, ProgressListener listener,
      Executor executor) {
    CompletableFuture<GenerationResult> f = new CompletableFuture<>();
    executor.execute(() -> {
      try {
        f.complete(generate(request, listener, f::isCancelled));
      } catch (GenerationCancelledException e) {
        f.cancel(false);
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }

  /** The model's description. */
  ModelInfo model();

  /** The scheduler names this pipeline accepts. */
  List<String> schedulerNames();

  @Override
  void close();
}
