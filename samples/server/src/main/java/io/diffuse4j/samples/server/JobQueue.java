package io.diffuse4j.samples.server;

import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.GenerationCancelledException;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded queue in front of the shared pipeline: {@code workers} jobs run at once, at most
 * {@code maxQueue} wait, one more is refused (429). Keeps the last finished jobs for their results.
 *
 * <p>Thread-safe.
 */
final class JobQueue implements AutoCloseable {

  private final ModelHost models;
  private final ThreadPoolExecutor executor;
  private final int keep;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger queued = new AtomicInteger();
  private volatile boolean closed;

  JobQueue(ModelHost models, int workers, int maxQueue, int keep) {
    this.models = models;
    this.keep = keep;
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(Math.max(1, maxQueue)), r -> {
          Thread t = new Thread(r, "diffuse-worker-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.maxQueue = maxQueue;
  }

  private final int maxQueue;

  /** Queues runs; throws 429 when the queue is full, 503 when the server is shutting down. */
  Job submit(List<GenerationRequest> runs, int previewEvery) {
    if (closed) {
      throw new ApiException(503, "shutting_down", null, "The server is shutting down; no new jobs are taken");
    }
    Job job = new Job(Long.toString(ids.incrementAndGet()), runs, previewEvery);
    if (queued.incrementAndGet() > maxQueue + executor.getMaximumPoolSize()) {
      queued.decrementAndGet();
      throw queueFull();
    }
    synchronized (jobs) {
      jobs.put(job.id, job);
      trim();
    }
    try {
      executor.execute(() -> {
        try {
          run(job);
        } finally {
          queued.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException e) {
      queued.decrementAndGet();
      synchronized (jobs) {
        jobs.remove(job.id);
      }
      throw closed ? new ApiException(503, "shutting_down", null, "The server is shutting down") : queueFull();
    }
    return job;
  }

  private ApiException queueFull() {
    return new ApiException(429, "queue_full", null, "The queue is full (" + executor.getMaximumPoolSize()
        + " running, " + maxQueue + " waiting); retry later");
  }

  private void trim() {
    var it = jobs.values().iterator();
    int excess = jobs.size() - keep;
    while (excess > 0 && it.hasNext()) {
      Job j = it.next();
      Job.State s = j.state();
      if (s != Job.State.QUEUED && s != Job.State.RUNNING) {
        it.remove();
        excess--;
      }
    }
  }

  Job get(String id) {
    synchronized (jobs) {
      Job j = jobs.get(id);
      if (j == null) {
        throw ApiException.notFound("No job '" + id + "' (finished jobs are kept for the last " + keep + ")");
      }
      return j;
    }
  }

  /** Jobs not yet finished, oldest first. */
  List<Job> active() {
    synchronized (jobs) {
      return jobs.values().stream().filter(j -> j.state() == Job.State.QUEUED || j.state() == Job.State.RUNNING)
          .toList();
    }
  }

  Collection<Job> all() {
    synchronized (jobs) {
      return List.copyOf(jobs.values());
    }
  }

  /** Jobs waiting for a worker. */
  int waiting() {
    return executor.getQueue().size();
  }

  private void run(Job job) {
    if (!job.start()) {
      return; // cancelled while queued
    }
    try {
      models.with(pipeline -> {
        for (int i = 0; i < job.runs.size(); i++) {
          GenerationRequest r = job.runs.get(i);
          int w = r.width() != null ? r.width() : pipeline.model().defaultWidth();
          int h = r.height() != null ? r.height() : pipeline.model().defaultHeight();
          GenerationResult result = pipeline.generate(r, job.listenerFor(i, w, h), job::cancelRequested);
          job.addImages(result.images());
        }
        return null;
      });
      job.succeed();
    } catch (GenerationCancelledException e) {
      job.cancelled(e.completedSteps());
    } catch (Throwable t) {
      job.fail(translate(t));
    }
  }

  /** A failure as the error a client gets: the library's message, never a stack trace. */
  static ApiException translate(Throwable t) {
    if (t instanceof ApiException a) {
      return a;
    }
    if (t instanceof InvalidRequestException e) {
      return new ApiException(400, "invalid_request", e.field(), e.getMessage());
    }
    if (t instanceof IllegalArgumentException e) {
      return new ApiException(400, "invalid_request", null, e.getMessage());
    }
    if (t instanceof InvalidModelException e) {
      return new ApiException(500, "invalid_model", null, e.getMessage());
    }
    if (t instanceof DiffusionException e) {
      return new ApiException(500, "generation_failed", null, e.getMessage());
    }
    if (t instanceof OutOfMemoryError) {
      return new ApiException(503, "out_of_memory", null, "The server ran out of memory for this request; try a"
          + " smaller size or batch");
    }
    return new ApiException(500, "internal_error", null, "Generation failed: " + t.getClass().getSimpleName()
        + (t.getMessage() == null ? "" : ": " + t.getMessage()));
  }

  @Override
  public void close() {
    closed = true;
    for (Job j : active()) {
      j.cancel();
    }
    executor.shutdown();
    try {
      executor.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
