package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.pipeline.ProgressListener;
import java.util.ArrayList;
import java.util.List;

/**
 * The warnings of one generation: each is kept for the result and passed on to the listener at
 * once. Not thread-safe: one per {@code generate} call.
 */
public final class Warnings {

  private final List<String> messages = new ArrayList<>();
  private final ProgressListener listener;

  /** Warnings forwarded to {@code listener}. */
  public Warnings(ProgressListener listener) {
    this.listener = listener;
  }

  /** Records a warning and tells the listener. */
  public void warn(String message) {
    messages.add(message);
    listener.onWarning(message);
  }

  /** The warnings so far, in order. */
  public List<String> list() {
    return List.copyOf(messages);
  }
}
