package io.diffuse4j.pipelines;

import io.diffuse4j.api.pipeline.Cancellation;
import io.diffuse4j.api.pipeline.GenerationCancelledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When a pipeline's native sessions may be released: only once no generation runs. Every
 * {@code generate} call {@link #enter enters} (refused with {@code IllegalStateException("pipeline
 * is closed")} once closing began) and leaves; {@link #close} stops new runs, cancels the running
 * ones (they stop within one step) and waits for them before it releases, so a session is never
 * freed under a running {@code OrtSession.run} (which crashed the JVM). Closing from inside a run
 * (a progress listener) cannot wait for itself: the release then happens when the last run
 * leaves. A second {@code close} waits for the first and does nothing. Thread-safe.
 */
final class PipelineLifecycle {

  private final Object lock = new Object();
  private final Runnable release;
  private final List<Thread> runners = new ArrayList<>();
  private boolean closing;
  private boolean releasing;
  private boolean released;

  /** A lifecycle that calls {@code release} exactly once, after the last run. */
  PipelineLifecycle(Runnable release) {
    this.release = release;
  }

  /**
   * Starts a run: its cancellation combines the caller's, the thread's interrupt flag (checked,
   * never cleared), the deadline {@code timeout} from now (null for none) and this pipeline closing.
   *
   * @throws IllegalStateException when the pipeline is closed or closing
   */
  Run enter(Cancellation caller, Duration timeout) {
    synchronized (lock) {
      if (closing) {
        throw new IllegalStateException("pipeline is closed");
      }
      runners.add(Thread.currentThread());
    }
    return new Run(caller, timeout);
  }

  /** Whether {@link #close} was called. */
  boolean isClosed() {
    synchronized (lock) {
      return closing;
    }
  }

  /** Stops new runs, cancels running ones, waits for them, then releases (once). */
  void close() {
    boolean interrupted = false;
    synchronized (lock) {
      closing = true;
      if (runners.contains(Thread.currentThread())) {
        return; // called by a run's own listener: the last run to leave releases
      }
      while (!runners.isEmpty() || releasing) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          interrupted = true; // runs stop within a step; keep waiting, then restore the flag
        }
      }
      if (released) {
        restore(interrupted);
        return;
      }
      releasing = true;
    }
    try {
      release.run();
    } finally {
      synchronized (lock) {
        releasing = false;
        released = true;
        lock.notifyAll();
      }
      restore(interrupted);
    }
  }

  private static void restore(boolean interrupted) {
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void leave() {
    boolean releaseNow;
    synchronized (lock) {
      runners.remove(Thread.currentThread());
      releaseNow = closing && runners.isEmpty() && !released && !releasing;
      if (releaseNow) {
        releasing = true;
      }
      lock.notifyAll();
    }
    if (releaseNow) {
      try {
        release.run();
      } finally {
        synchronized (lock) {
          releasing = false;
          released = true;
          lock.notifyAll();
        }
      }
    }
  }

  /** One generation: its combined cancellation, and the reason it stopped. Close it when the run ends. */
  final class Run implements Cancellation, AutoCloseable {
    private final Cancellation caller;
    private final Duration timeout;
    private final long deadline;
    private final Thread thread = Thread.currentThread();
    private boolean left;

    private Run(Cancellation caller, Duration timeout) {
      this.caller = caller == null ? Cancellation.NONE : caller;
      this.timeout = timeout;
      this.deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    }

    @Override
    public boolean isCancelled() {
      return reason() != null;
    }

    /** Why the run should stop, or null. */
    String reason() {
      if (caller.isCancelled()) {
        return "cancelled";
      }
      if (thread.isInterrupted()) {
        return "the thread was interrupted";
      }
      if (timeout != null && System.nanoTime() - deadline >= 0) {
        return "timed out (the request's timeout is " + timeout.toMillis() + " ms)";
      }
      if (isClosed()) {
        return "the pipeline was closed";
      }
      return null;
    }

    /** {@code e} with the reason in its message. */
    GenerationCancelledException explain(GenerationCancelledException e) {
      String why = reason();
      return why == null || "cancelled".equals(why) ? e
          : new GenerationCancelledException(e.completedSteps(), "Generation stopped after " + e.completedSteps()
              + " step(s): " + why);
    }

    @Override
    public void close() {
      if (!left) {
        left = true;
        leave();
      }
    }
  }
}
