package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationCancelledException;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.StepEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Close at any time, interrupts, deadlines and future cancellation (issue #13). */
class LifecycleTest {

  static final Path MODEL = Path.of("..", "test-models", "sd15-tiny").toAbsolutePath().normalize();

  static GenerationRequest request(int steps) {
    return GenerationRequest.builder("a red circle").steps(steps).size(64, 64).scheduler("ddim").seed(3).build();
  }

  /** Stops the generating thread's own run by interrupting it at step {@code at}. */
  static ProgressListener interruptAt(int at) {
    return new ProgressListener() {
      @Override
      public void onStep(StepEvent e) {
        if (e.step() == at) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  @Test
  void interruptStopsWithinOneStepKeepsTheFlagAndThePipelineServes() throws Exception {
    try (DiffusionPipeline p = Diffusion.load(MODEL)) {
      GenerationResult before = p.generate(request(4));
      assertThatThrownBy(() -> p.generate(request(200), interruptAt(2), () -> false))
          .isInstanceOfSatisfying(GenerationCancelledException.class,
              e -> assertThat(e.completedSteps()).isEqualTo(3))
          .hasMessageContaining("interrupted");
      assertThat(Thread.interrupted()).as("interrupt flag preserved").isTrue();
      GenerationResult after = p.generate(request(4));
      assertThat(pixels(after)).isEqualTo(pixels(before));
    }
  }

  @Test
  void timeoutStopsTheRunAndThePipelineServes() {
    try (DiffusionPipeline p = Diffusion.load(MODEL)) {
      AtomicInteger steps = new AtomicInteger();
      ProgressListener slow = new ProgressListener() {
        @Override
        public void onStep(StepEvent e) {
          steps.incrementAndGet();
          try {
            Thread.sleep(20);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
        }
      };
      GenerationRequest r = request(500).toBuilder().timeout(Duration.ofMillis(300)).build();
      assertThatThrownBy(() -> p.generate(r, slow, () -> false)).isInstanceOf(GenerationCancelledException.class)
          .hasMessageContaining("timed out");
      assertThat(steps.get()).isLessThan(500);
      assertThat(p.generate(request(2)).images()).hasSize(1);
    }
  }

  @Test
  void cancellingTheFutureStopsWithinOneStep() throws Exception {
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try (DiffusionPipeline p = Diffusion.load(MODEL)) {
      AtomicReference<CompletableFuture<GenerationResult>> f = new AtomicReference<>();
      AtomicInteger last = new AtomicInteger();
      CompletableFuture<GenerationResult> started = new CompletableFuture<>();
      f.set(p.generateAsync(request(500), new ProgressListener() {
        @Override
        public void onStep(StepEvent e) {
          last.set(e.step());
          if (e.step() == 1) {
            started.complete(null);
            while (f.get() == null || !f.get().isCancelled()) {
              Thread.onSpinWait();
            }
          }
        }
      }, ex));
      started.get(60, TimeUnit.SECONDS);
      f.get().cancel(true);
      assertThatThrownBy(() -> f.get().get()).isInstanceOf(CancellationException.class);
      ex.shutdown();
      assertThat(ex.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      assertThat(last.get()).isEqualTo(1);
      assertThat(p.generate(request(2)).images()).hasSize(1);
    } finally {
      ex.shutdownNow();
    }
  }

  @Test
  void closeIsIdempotentAndLaterCallsFail() {
    DiffusionPipeline p = Diffusion.load(MODEL);
    p.close();
    p.close();
    assertThatThrownBy(() -> p.generate(request(2))).isInstanceOf(IllegalStateException.class)
        .hasMessage("pipeline is closed");
  }

  @Test
  void closeFromAProgressListenerStopsTheRunAndReleasesAfterIt() {
    DiffusionPipeline p = Diffusion.load(MODEL);
    assertThatThrownBy(() -> p.generate(request(100), new ProgressListener() {
      @Override
      public void onStep(StepEvent e) {
        if (e.step() == 1) {
          p.close();
        }
      }
    }, () -> false)).isInstanceOf(GenerationCancelledException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> p.generate(request(2))).isInstanceOf(IllegalStateException.class);
  }

  /**
   * Child JVM: {@code cycles} times, load the model, start {@code threads} generations of 1 to 8
   * steps, close at a random moment once 0 to 7 of them are past their first step; every generation
   * must end with an image, a cancellation or "pipeline is closed", and the JVM must not crash.
   */
  public static void main(String[] args) throws Exception {
    int cycles = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    Random rnd = new Random(Long.parseLong(args[2]));
    int images = 0;
    int cancelled = 0;
    int refused = 0;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long t0 = System.nanoTime();
    for (int c = 0; c < cycles; c++) {
      DiffusionPipeline p = Diffusion.load(MODEL);
      List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
      AtomicInteger bad = new AtomicInteger();
      java.util.concurrent.Semaphore stepping = new java.util.concurrent.Semaphore(0);
      ProgressListener firstStep = new ProgressListener() {
        @Override
        public void onStep(StepEvent e) {
          if (e.step() == 1) {
            stepping.release();
          }
        }
      };
      for (int i = 0; i < threads; i++) {
        int steps = 1 + rnd.nextInt(8);
        runs.add(pool.submit(() -> p.generate(request(steps), firstStep, () -> false)));
      }
      // close while some runs are inside the denoising loop (0 to 7 of them past step 1), at a random moment
      stepping.tryAcquire(rnd.nextInt(8), 10, TimeUnit.SECONDS);
      Thread.sleep(rnd.nextInt(20));
      p.close();
      for (java.util.concurrent.Future<?> f : runs) {
        try {
          f.get();
          images++;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof GenerationCancelledException) {
            cancelled++;
          } else if (cause instanceof IllegalStateException ise && "pipeline is closed".equals(ise.getMessage())) {
            refused++;
          } else {
            bad.incrementAndGet();
            System.out.println("BAD " + cause);
          }
        }
      }
      if (bad.get() > 0) {
        System.exit(3);
      }
    }
    pool.shutdown();
    System.out.printf("CLOSE-SOAK cycles=%d threads=%d images=%d cancelled=%d refused=%d seconds=%.1f%n", cycles,
        threads, images, cancelled, refused, (System.nanoTime() - t0) / 1e9);
  }

  @Test
  void closeAtRandomMomentsDuringConcurrentGenerationsNeverCrashes() throws Exception {
    int cycles = Integer.getInteger("diffuse4j.closeSoak.cycles", 200);
    int threads = Integer.getInteger("diffuse4j.closeSoak.threads", 50);
    Process proc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), LifecycleTest.class.getName(), Integer.toString(cycles),
        Integer.toString(threads), "13").redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.append(line).append('\n');
      }
    }
    assertThat(proc.waitFor(300, TimeUnit.SECONDS)).isTrue();
    System.out.print(out);
    assertThat(proc.exitValue()).as("child JVM exit code (134 = crashed in ONNX Runtime)\n" + out).isZero();
    assertThat(out.toString()).contains("CLOSE-SOAK cycles=" + cycles).doesNotContain("BAD");
  }

  private static int[] pixels(GenerationResult r) {
    var img = r.first().image();
    return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
  }
}
