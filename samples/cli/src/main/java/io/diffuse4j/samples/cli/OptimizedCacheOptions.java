package io.diffuse4j.samples.cli;

import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.pipelines.model.CacheFolders;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --optimized-cache DIR} / {@code --no-optimized-cache}: where the pipeline keeps ONNX Runtime's
 * optimized models ({@code SessionTuning.withOptimizedModelCache}), shared by the commands that load a
 * model. Default: {@link CacheFolders#optimizedModels()}.
 */
final class OptimizedCacheOptions {

  @Option(names = "--optimized-cache", paramLabel = "DIR", description = "Folder (only you can write) for ONNX"
      + " Runtime's optimized models: written on a model's first load, then loaded without optimizing again."
      + " Default: optimized-models/ in your private diffuse4j cache (~/.cache/diffuse4j).")
  Path dir;

  @Option(names = "--no-optimized-cache", description = "Optimize the models on every load; keep nothing on disk.")
  boolean off;

  /** The folder these options name, or empty for none. */
  Optional<Path> folder() {
    return folder(dir, off);
  }

  /** The given folder, none when {@code off}, else the default (none when no private cache folder can be had). */
  static Optional<Path> folder(Path given, boolean off) {
    if (off) {
      return Optional.empty();
    }
    if (given != null) {
      return Optional.of(given.toAbsolutePath());
    }
    try {
      return Optional.of(CacheFolders.optimizedModels());
    } catch (DiffusionException e) {
      return Optional.empty(); // no private cache folder: load without the cache (the bundled model says why)
    }
  }
}
