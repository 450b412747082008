package io.diffuse4j.samples.embedding;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.StepEvent;
import io.diffuse4j.pipelines.Diffusion;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * How a UI embeds the pipeline: run it on a worker, receive a preview at every step, cancel it
 * from the UI thread by cancelling the future.
 */
public final class AsyncPreviewExample {

  private AsyncPreviewExample() {}

  /** Starts a run, prints the preview sizes as they arrive, and cancels after five steps. */
  public static void main(String[] args) throws Exception {
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try (DiffusionPipeline sd = Diffusion.loadBundled()) {
      CompletableFuture<GenerationResult>[] holder = new CompletableFuture[1];
      ProgressListener ui = new ProgressListener() {
        @Override
        public void onStep(StepEvent e) {
          System.out.printf("step %d/%d, preview %dx%d%n", e.step() + 1, e.totalSteps(), e.preview().getWidth(),
              e.preview().getHeight());
          if (e.step() == 4 && holder[0] != null) {
            holder[0].cancel(false); // what a "Stop" button does
          }
        }

        @Override
        public boolean wantsPreviews() {
          return true;
        }
      };
      holder[0] = sd.generateAsync(GenerationRequest.builder("a purple square on a yellow background")
          .steps(20).build(), ui, worker);
      try {
        holder[0].join();
      } catch (java.util.concurrent.CancellationException e) {
        System.out.println("cancelled");
      }
    } finally {
      worker.shutdown();
    }
  }
}
