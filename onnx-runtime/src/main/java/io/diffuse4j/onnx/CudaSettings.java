package io.diffuse4j.onnx;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Options of ONNX Runtime's CUDA execution provider (the device id comes from the
 * {@link io.diffuse4j.api.pipeline.Device}).
 *
 * <pre>{@code
 * CudaSettings c = CudaSettings.defaults().withConvAlgoSearch(CudaSettings.ConvAlgoSearch.HEURISTIC);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param convAlgoSearch how cuDNN picks convolution algorithms ({@code cudnn_conv_algo_search})
 * @param arenaExtendStrategy how the GPU arena grows ({@code arena_extend_strategy})
 * @param copyInDefaultStream copies on the compute stream ({@code do_copy_in_default_stream}); false
 *     uses a separate copy stream
 * @param gpuMemLimitBytes the arena's limit in bytes ({@code gpu_mem_limit}), 0 for none
 */
public record CudaSettings(ConvAlgoSearch convAlgoSearch, ArenaExtendStrategy arenaExtendStrategy,
    boolean copyInDefaultStream, long gpuMemLimitBytes) {

  /** cuDNN convolution algorithm search. */
  public enum ConvAlgoSearch {
    /** Benchmark every algorithm once per shape (slowest first run, fastest steady state). */
    EXHAUSTIVE,
    /** cuDNN's heuristics, no benchmarking. */
    HEURISTIC,
    /** The default algorithm. */
    DEFAULT
  }

  /** How the CUDA arena grows. */
  public enum ArenaExtendStrategy {
    /** Doubles each time (fewer allocations, more memory). */
    NEXT_POWER_OF_TWO,
    /** Exactly what is requested (least memory). */
    SAME_AS_REQUESTED
  }

  /** Checks the fields. */
  public CudaSettings {
    if (convAlgoSearch == null || arenaExtendStrategy == null) {
      throw new IllegalArgumentException("convAlgoSearch and arenaExtendStrategy must be set");
    }
    if (gpuMemLimitBytes < 0) {
      throw new IllegalArgumentException("gpuMemLimitBytes must be >= 0, got " + gpuMemLimitBytes);
    }
  }

  /** Exhaustive search, same-as-requested arena (the least memory for diffusion's few fixed shapes), copy stream on. */
  public static CudaSettings defaults() {
    return new CudaSettings(ConvAlgoSearch.EXHAUSTIVE, ArenaExtendStrategy.SAME_AS_REQUESTED, true, 0);
  }

  /** The same options with this convolution algorithm search. */
  public CudaSettings withConvAlgoSearch(ConvAlgoSearch v) {
    return new CudaSettings(v, arenaExtendStrategy, copyInDefaultStream, gpuMemLimitBytes);
  }

  /** The same options with this arena strategy. */
  public CudaSettings withArenaExtendStrategy(ArenaExtendStrategy v) {
    return new CudaSettings(convAlgoSearch, v, copyInDefaultStream, gpuMemLimitBytes);
  }

  /** The same options with copies in the default stream (true) or a separate copy stream (false). */
  public CudaSettings withCopyInDefaultStream(boolean v) {
    return new CudaSettings(convAlgoSearch, arenaExtendStrategy, v, gpuMemLimitBytes);
  }

  /** The same options with this arena limit in bytes (0 = none). */
  public CudaSettings withGpuMemLimitBytes(long v) {
    return new CudaSettings(convAlgoSearch, arenaExtendStrategy, copyInDefaultStream, v);
  }

  /** The provider option keys and values ONNX Runtime's {@code OrtCUDAProviderOptions} takes. */
  public Map<String, String> providerOptions(int deviceId) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("device_id", Integer.toString(deviceId));
    m.put("cudnn_conv_algo_search", convAlgoSearch.name());
    m.put("arena_extend_strategy", arenaExtendStrategy == ArenaExtendStrategy.NEXT_POWER_OF_TWO
        ? "kNextPowerOfTwo" : "kSameAsRequested");
    m.put("do_copy_in_default_stream", copyInDefaultStream ? "1" : "0");
    if (gpuMemLimitBytes > 0) {
      m.put("gpu_mem_limit", Long.toString(gpuMemLimitBytes));
    }
    return m;
  }

  @Override
  public String toString() {
    return convAlgoSearch.name().toLowerCase(Locale.ROOT) + "/" + arenaExtendStrategy.name().toLowerCase(Locale.ROOT)
        + "/" + (copyInDefaultStream ? "default-stream" : "copy-stream") + (gpuMemLimitBytes > 0 ? "/" + gpuMemLimitBytes : "");
  }
}
