package io.diffuse4j.pipelines.model;

import io.diffuse4j.api.pipeline.DiffusionException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The folders diffuse4j keeps per-user caches in, inside the private cache folder the bundled model
 * is unpacked to ({@code $XDG_CACHE_HOME/diffuse4j/}, else {@code ~/.cache/diffuse4j/}; owned by the
 * user and writable by nobody else, see {@link BundledModelFiles}). Nothing is created or written
 * until a cache is used.
 *
 * <pre>{@code
 * Diffusion.builder().model(dir)
 *     .sessionTuning(SessionTuning.defaults().withOptimizedModelCache(Optional.of(CacheFolders.optimizedModels())))
 *     .load();
 * }</pre>
 */
public final class CacheFolders {

  private CacheFolders() {}

  /**
   * Where ONNX Runtime's optimized models are kept ({@code io.diffuse4j.onnx.OptimizedModelCache}):
   * {@code optimized-models/} in the private cache folder. Entries load only from a folder no other
   * user can write, since a planted entry would be run as the model.
   *
   * @throws DiffusionException when no private cache folder can be had (naming the folders refused)
   */
  public static Path optimizedModels() {
    try {
      return BundledModelFiles.cacheRoot().resolve("optimized-models");
    } catch (IOException e) {
      throw new DiffusionException("No private cache folder for optimized models: " + e.getMessage() + ". Make the"
          + " user's cache folder (~/.cache, or XDG_CACHE_HOME) a folder of this user that others cannot write, or"
          + " turn the cache off (--no-optimized-cache).", e);
    }
  }
}
