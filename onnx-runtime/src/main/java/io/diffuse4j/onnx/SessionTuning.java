package io.diffuse4j.onnx;

import java.nio.file.Path;
import java.util.Optional;

/**
 * ONNX Runtime session settings beyond device and threads, chosen by measurement (see
 * docs/PERFORMANCE.md): the CPU memory arena and memory-pattern planning, the on-disk cache of
 * optimized models, and the CUDA provider's options.
 *
 * <pre>{@code
 * SessionTuning t = SessionTuning.defaults().withOptimizedModelCache(Optional.empty()); // no disk cache
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param cpuArena ONNX Runtime's CPU memory arena (faster repeated runs, keeps freed memory)
 * @param memoryPattern ONNX Runtime's pre-planned allocations for repeated runs with the same shapes (off by
 *     default, see {@link #defaults()})
 * @param optimizedModelCache where optimized models are kept between loads ({@link OptimizedModelCache}),
 *     empty for none
 * @param cuda the CUDA execution provider's options, used when the device is a GPU
 */
public record SessionTuning(boolean cpuArena, boolean memoryPattern, Optional<Path> optimizedModelCache,
    CudaSettings cuda) {

  /** Checks the fields. */
  public SessionTuning {
    optimizedModelCache = optimizedModelCache == null ? Optional.empty() : optimizedModelCache;
    cuda = cuda == null ? CudaSettings.defaults() : cuda;
  }

  /**
   * CPU arena on, memory pattern <em>off</em>, no optimized-model cache, default CUDA options. ONNX
   * Runtime turns the memory pattern on by default; measured on the SD-1.5-shaped model at 512²
   * (docs/PERFORMANCE.md), it made the peak 3 GB larger (7.5 GB against 4.5 GB) and no run faster,
   * since the U-Net's attention buffers are planned as one block on top of what the arena keeps.
   * Without the arena runs took twice as long.
   */
  public static SessionTuning defaults() {
    return new SessionTuning(true, false, Optional.empty(), CudaSettings.defaults());
  }

  /** The same settings with this CPU arena setting. */
  public SessionTuning withCpuArena(boolean on) {
    return new SessionTuning(on, memoryPattern, optimizedModelCache, cuda);
  }

  /** The same settings with this memory-pattern setting. */
  public SessionTuning withMemoryPattern(boolean on) {
    return new SessionTuning(cpuArena, on, optimizedModelCache, cuda);
  }

  /** The same settings with this optimized-model cache folder (empty for none). */
  public SessionTuning withOptimizedModelCache(Optional<Path> dir) {
    return new SessionTuning(cpuArena, memoryPattern, dir, cuda);
  }

  /** The same settings with these CUDA options. */
  public SessionTuning withCuda(CudaSettings settings) {
    return new SessionTuning(cpuArena, memoryPattern, optimizedModelCache, settings);
  }

  /** A short description, part of the optimized-model cache key. */
  String describe() {
    return "arena=" + cpuArena + ",pattern=" + memoryPattern + ",cuda=" + cuda;
  }
}
