package io.diffuse4j.samples.server;

import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.StepEvent;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One queued generation: one or more pipeline runs done one after another (an AUTOMATIC1111
 * request with several seeds is several runs), its progress, its previews and its results.
 * Listeners get {@link Event}s in order: {@code state}, then {@code step}s and {@code warning}s,
 * then one of {@code done}, {@code failed} or {@code cancelled}.
 *
 * <p>Thread-safe: one worker runs it, any thread may read, subscribe or cancel.
 */
final class Job {

  /** Where a job is. */
  enum State { QUEUED, RUNNING, DONE, FAILED, CANCELLED }

  /** Something that happened to a job. {@code previews} are only set on steps that carry them. */
  record Event(String type, int run, int step, int total, List<BufferedImage> previews, String message) {}

  final String id;
  final List<GenerationRequest> runs;
  final int previewEvery;
  final long createdMillis = System.currentTimeMillis();
  private final AtomicBoolean cancel = new AtomicBoolean();
  private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Job> finished = new CompletableFuture<>();

  private State state = State.QUEUED;
  private int run;
  private int step;
  private int total;
  private long startedNanos;
  private List<BufferedImage> previews = List.of();
  private final List<GeneratedImage> images = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  /** Every event so far without previews (a late subscriber is replayed all steps, in order). */
  private final List<Event> history = new ArrayList<>();
  private ApiException error;

  Job(String id, List<GenerationRequest> runs, int previewEvery) {
    this.id = id;
    this.runs = List.copyOf(runs);
    this.previewEvery = previewEvery;
  }

  /** Asks the job to stop; a queued job never starts, a running one stops within a step. */
  void cancel() {
    cancel.set(true);
    synchronized (this) {
      if (state == State.QUEUED) {
        finish(State.CANCELLED, new Event("cancelled", run, step, total, null, "Cancelled before it started"));
      }
    }
  }

  boolean cancelRequested() {
    return cancel.get();
  }

  /**
   * Adds a listener and replays to it, atomically, every event so far (the latest previews on the
   * latest step that had them), so that each subscriber sees every step in order.
   */
  synchronized void subscribe(Consumer<Event> listener) {
    int lastPreview = -1;
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).type().equals("step") && history.get(i).previews() != null) {
        lastPreview = i;
      }
    }
    if (history.isEmpty() || !history.get(0).type().equals("state")) {
      listener.accept(new Event("state", 0, 0, 0, null, "queued"));
    }
    for (int i = 0; i < history.size(); i++) {
      Event e = history.get(i);
      listener.accept(i == lastPreview ? new Event(e.type(), e.run(), e.step(), e.total(), previews, null)
          : e.previews() == null ? e : new Event(e.type(), e.run(), e.step(), e.total(), null, e.message()));
    }
    if (state == State.QUEUED || state == State.RUNNING) {
      listeners.add(listener);
    }
  }

  void unsubscribe(Consumer<Event> listener) {
    listeners.remove(listener);
  }

  /** Completes when the job ends, whichever way. */
  CompletableFuture<Job> finished() {
    return finished;
  }

  synchronized State state() {
    return state;
  }

  synchronized int run() {
    return run;
  }

  synchronized int step() {
    return step;
  }

  synchronized int total() {
    return total;
  }

  /** Seconds since the job started running, 0 while queued. */
  synchronized double elapsedSeconds() {
    return startedNanos == 0 ? 0 : (System.nanoTime() - startedNanos) / 1e9;
  }

  /** The latest previews, one per image of the current run (empty before the first). */
  synchronized List<BufferedImage> previews() {
    return previews;
  }

  synchronized List<GeneratedImage> images() {
    return List.copyOf(images);
  }

  synchronized List<String> warnings() {
    return List.copyOf(warnings);
  }

  synchronized ApiException error() {
    return error;
  }

  // ---- called by the worker ----

  synchronized boolean start() {
    if (state != State.QUEUED) {
      return false;
    }
    state = State.RUNNING;
    startedNanos = System.nanoTime();
    publish(new Event("state", 0, 0, 0, null, "running"));
    return true;
  }

  /** The listener for run {@code index}. */
  ProgressListener listenerFor(int index, int width, int height) {
    return new ProgressListener() {
      @Override
      public void onStep(StepEvent e) {
        boolean withPreview = previewEvery > 0 && e.preview() != null
            && ((e.step() + 1) % previewEvery == 0 || e.step() + 1 == e.totalSteps());
        List<BufferedImage> pv = withPreview ? Previews.of(e, width, height) : null;
        synchronized (Job.this) {
          run = index;
          step = e.step() + 1;
          total = e.totalSteps();
          if (pv != null) {
            previews = pv;
          }
          publish(new Event("step", index, step, total, pv, null));
        }
      }

      @Override
      public boolean wantsPreviews() {
        return previewEvery > 0;
      }

      @Override
      public void onWarning(String message) {
        synchronized (Job.this) {
          warnings.add(message);
          publish(new Event("warning", index, step, total, null, message));
        }
      }
    };
  }

  synchronized void addImages(List<GeneratedImage> more) {
    images.addAll(more);
  }

  synchronized void succeed() {
    finish(State.DONE, new Event("done", run, step, total, null, null));
  }

  synchronized void cancelled(int atStep) {
    step = atStep;
    finish(State.CANCELLED, new Event("cancelled", run, atStep, total, null, "Cancelled after " + atStep + " step(s)"));
  }

  synchronized void fail(ApiException e) {
    error = e;
    finish(State.FAILED, new Event("failed", run, step, total, null, e.getMessage()));
  }

  private void finish(State s, Event e) {
    if (state == State.DONE || state == State.FAILED || state == State.CANCELLED) {
      return;
    }
    state = s;
    publish(e);
    listeners.clear();
    finished.complete(this);
  }

  private void publish(Event e) {
    history.add(e.previews() == null ? e : new Event(e.type(), e.run(), e.step(), e.total(), List.of(), e.message()));
    for (Consumer<Event> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        listeners.remove(l); // a listener that fails (a closed stream) is dropped, the job goes on
      }
    }
  }
}
