package io.diffuse4j.spark;

import io.diffuse4j.api.pipeline.Device;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import io.diffuse4j.pipelines.Diffusion;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipelines of one executor JVM: created lazily by the first task that needs one, then shared
 * by every task of that JVM (a pipeline is thread-safe), one per model, device and thread count.
 *
 * <p>This is the one static cache of the module, on purpose: Spark runs many tasks in one
 * executor JVM and loading a model per task would dominate the job. The pipelines live until
 * the executor exits (or {@link #closeAll()}). Thread-safe.
 */
public final class ExecutorPipelines {

  /** What identifies one pipeline: model folder (null = bundled), device, ONNX Runtime threads. */
  record Key(String model, String device, int threads) {}

  private static final Map<Key, DiffusionPipeline> PIPELINES = new ConcurrentHashMap<>();

  private ExecutorPipelines() {}

  /** The pipeline for {@code model} (null: the bundled model) on {@code device}, loading it once. */
  public static DiffusionPipeline get(String model, String device, int threads) {
    return PIPELINES.computeIfAbsent(new Key(model, device, threads), ExecutorPipelines::open);
  }

  /** How many pipelines this JVM holds (for tests and diagnostics). */
  public static int size() {
    return PIPELINES.size();
  }

  /** Closes every pipeline this JVM holds (the driver calls it after a local run). */
  public static void closeAll() {
    for (Key k : PIPELINES.keySet()) {
      DiffusionPipeline p = PIPELINES.remove(k);
      if (p != null) {
        p.close();
      }
    }
  }

  private static DiffusionPipeline open(Key key) {
    Diffusion.Builder b = Diffusion.builder()
        .runtime(new RuntimeOptions(Device.parse(key.device()), key.threads()));
    if (key.model() != null) {
      b.model(Path.of(key.model()));
    }
    return b.load();
  }
}
