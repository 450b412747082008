package io.diffuse4j.onnx;

import io.diffuse4j.api.pipeline.DiffusionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waiting for model parts that load on other threads (sessions, tokenizers): the part's value, or
 * the failure its loader threw, rethrown as it was thrown. Stateless and thread-safe.
 */
public final class LoadTasks {

  private LoadTasks() {}

  /**
   * Waits for {@code task} and returns its value. A {@link RuntimeException} or {@link Error} thrown
   * by the loader is rethrown unchanged (its message already names the file); a checked one is
   * wrapped in a {@link DiffusionException}. An interrupt keeps the thread's interrupt flag and
   * ends in a {@link DiffusionException}.
   *
   * @param task the loading task
   * @param what what is loading, for the messages (e.g. "the tokenizer", "a model part")
   * @return the task's value
   */
  public static <T> T await(Future<T> task, String what) {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DiffusionException("Interrupted while loading " + what, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new DiffusionException("Could not load " + what + ": " + c, c);
    }
  }
}
