package io.diffuse4j.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import io.diffuse4j.api.pipeline.Device;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import io.diffuse4j.onnx.adapters.WeightOverride;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Opens ONNX models as sessions on the configured device. {@code cuda[:N]} uses ONNX Runtime's
 * CUDA execution provider; when it can't be loaded (no GPU, CUDA or cuDNN libraries missing, the
 * CPU-only ONNX Runtime jar) this either fails with a message saying what is missing or, when the
 * device allows fallback, warns once and uses the CPU.
 *
 * <pre>{@code
 * OnnxSessionFactory f = new OnnxSessionFactory(RuntimeOptions.defaults(), System.err::println);
 * try (OnnxModel m = f.open(Path.of("model/unet/model.onnx"), "unet")) { ... }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class OnnxSessionFactory {

  private final RuntimeOptions options;
  private final SessionTuning tuning;
  private final Consumer<String> warnings;
  private final Optional<OptimizedModelCache> cache;
  private volatile boolean cudaFailedAndFellBack;

  /** A factory for these options with {@link SessionTuning#defaults()}; warnings (GPU fallback) go to {@code warnings}. */
  public OnnxSessionFactory(RuntimeOptions options, Consumer<String> warnings) {
    this(options, SessionTuning.defaults(), warnings);
  }

  /** A factory for these options and session settings; warnings (GPU fallback) go to {@code warnings}. */
  public OnnxSessionFactory(RuntimeOptions options, SessionTuning tuning, Consumer<String> warnings) {
    OnnxRuntimeJars.check(OnnxSessionFactory.class.getClassLoader());
    this.options = options;
    this.tuning = tuning;
    this.warnings = warnings;
    this.cache = tuning.optimizedModelCache().map(OptimizedModelCache::new);
  }

  /** The session settings. */
  public SessionTuning tuning() {
    return tuning;
  }

  /** Where warnings about models and devices go. */
  public Consumer<String> warnings() {
    return warnings;
  }

  /** The options sessions are created with. */
  public RuntimeOptions options() {
    return options;
  }

  /** The device sessions really run on (CPU after a fallback). */
  public Device effectiveDevice() {
    return cudaFailedAndFellBack ? Device.CPU : options.device();
  }

  /**
   * Opens {@code file} as the model part {@code part}.
   *
   * @throws DiffusionException when the file is missing, not a valid ONNX model, or the device can't be used
   */
  public OnnxModel open(Path file, String part) {
    return open(file, part, List.of());
  }

  /**
   * Opens {@code file} with some initializers replaced (LoRA-merged weights, a grown token
   * embedding): the values are handed to ONNX Runtime at session creation, the file is not
   * changed. The returned model owns the override tensors and frees them when closed.
   *
   * @throws DiffusionException as {@link #open(Path, String)}, or naming the initializer ONNX Runtime refused
   */
  public OnnxModel open(Path file, String part, List<WeightOverride> overrides) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidModelException(file, "Missing " + part + " model: " + file + " does not exist. A model folder"
          + " needs " + part + "/model.onnx as Stable Diffusion ONNX exports have it.");
    }
    // FATAL: failures (e.g. a CUDA provider that cannot load) reach the user as DiffusionExceptions, not native log lines
    OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "diffuse4j");
    // untrusted input: external data only from inside the model's folder, checked before ONNX Runtime reads the file
    ModelFileCheck.Result checked = ModelFileCheck.check(file, part);
    long t0 = System.nanoTime();
    List<OnnxTensor> tensors = new ArrayList<>();
    try (OrtSession.SessionOptions so = createSessionOptions()) {
      if (overrides.isEmpty()) {
        OrtSession session = plainPath(file) ? openCached(env, file, so) : openFromBytes(env, file, part, checked, so);
        return new OnnxModel(env, session, file, part, System.nanoTime() - t0);
      }
      Map<String, OnnxTensorLike> external = new HashMap<>();
      boolean inline = false;
      for (WeightOverride o : overrides) {
        OnnxTensor t = overrideTensor(env, o);
        tensors.add(t);
        if (o.replacesExternal()) {
          external.put(o.name(), t);
        } else {
          // ONNX Runtime's addExternalInitializers only replaces initializers stored as external
          // data, with the same shape; the others go through addInitializer
          so.addInitializer(o.name(), t);
          inline = true;
        }
      }
      if (!external.isEmpty()) {
        so.addExternalInitializers(external);
      }
      if (inline) {
        // With addInitializer, ONNX Runtime 1.23's layout optimizations (NCHWc) read some Conv weights
        // from the model file instead (measured: 4% off on test-models/sd15-tiny); the levels below are exact.
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
      }
      // never through the optimized-model cache: its entries hold the file's own weights
      return new OnnxModel(env, env.createSession(file.toString(), so), file, part, System.nanoTime() - t0, tensors);
    } catch (OrtException e) {
      tensors.forEach(OnnxTensor::close);
      if (!overrides.isEmpty()) {
        throw new DiffusionException("Could not load the " + part + " model " + file + " with " + overrides.size()
            + " adapted weights (LoRA / embeddings): " + OnnxModel.firstLine(e.getMessage()), e);
      }
      throw new InvalidModelException(file, "Could not load the " + part + " model " + file + ": " + explain(e), e);
    }
  }

  /**
   * Opens {@code model} (the bytes of {@code file} rewritten, e.g. by {@link OnnxGraph#withOutputs})
   * as the part {@code part}; external weights are looked up next to {@code file}.
   *
   * @throws InvalidModelException as {@link #open(Path, String)}
   */
  public OnnxModel open(Path file, String part, byte[] model) {
    OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "diffuse4j");
    long t0 = System.nanoTime();
    try (OrtSession.SessionOptions so = createSessionOptions()) {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        so.addConfigEntry("session.model_external_initializers_file_folder_path", parent.toString());
      }
      return new OnnxModel(env, env.createSession(model, so), file, part, System.nanoTime() - t0);
    } catch (OrtException e) {
      throw new InvalidModelException(file, "Could not load the " + part + " model " + file + ": " + explain(e), e);
    }
  }

  /**
   * ONNX Runtime's graph optimisers that sessions run without: {@code SimplifiedLayerNormFusion}
   * crashes session initialisation on fp16 models (microsoft/onnxruntime#26717); SD's graphs have
   * no RMS norm for it to fuse, so fp32 models lose nothing.
   */
  public static final String DISABLED_OPTIMIZERS = "SimplifiedLayerNormFusion";

  /** What an ONNX Runtime failure to create a session means, for the message. */
  static String explain(OrtException e) {
    String cause = OnnxModel.firstLine(e.getMessage());
    return switch (e.getCode()) {
      case ORT_INVALID_PROTOBUF, ORT_NO_MODEL, ORT_NO_SUCHFILE -> "it is not a valid ONNX model or is truncated ("
          + cause + "). Re-export or re-download it.";
      case ORT_INVALID_GRAPH -> "ONNX Runtime rejects its graph (" + cause + "). Re-export it with a supported"
          + " opset (the Stable Diffusion exporters write 14 to 17).";
      case ORT_NOT_IMPLEMENTED -> "it uses an operator this ONNX Runtime cannot run (" + cause + "). Re-export it"
          + " with opset 14 to 17, or in another precision.";
      default -> "the file is readable but ONNX Runtime failed while initialising a session for it (" + e.getCode()
          + ": " + cause + "). This is an ONNX Runtime failure, not a corrupt file; docs/models.md lists the"
          + " exports known to load.";
    };
  }

  private static OnnxTensor overrideTensor(OrtEnvironment env, WeightOverride o) throws OrtException {
    float[] v = o.values();
    if (o.dataType() == 10) {
      short[] h = new short[v.length];
      for (int i = 0; i < v.length; i++) {
        h[i] = Half.fromFloat(v[i]);
      }
      return OnnxTensor.createTensor(env, ShortBuffer.wrap(h), o.dims(), OnnxJavaType.FLOAT16);
    }
    if (o.dataType() != 1) {
      throw new DiffusionException("Initializer " + o.name() + " has ONNX data type " + o.dataType()
          + "; adapted weights can be float32 or float16");
    }
    return OnnxTensor.createTensor(env, FloatBuffer.wrap(v), o.dims());
  }

  /**
   * ONNX Runtime's Java API hands paths to native code in modified UTF-8, which garbles characters
   * outside the Basic Multilingual Plane (emoji): such a model is read into memory and opened from
   * its bytes. External data is resolved against the model's path, so that needs a plain path.
   */
  private static OrtSession openFromBytes(OrtEnvironment env, Path file, String part, ModelFileCheck.Result checked,
      OrtSession.SessionOptions so) throws OrtException {
    if (!checked.externalFiles().isEmpty()) {
      throw new InvalidModelException(file, "The " + part + " model " + file + " keeps its weights in separate files,"
          + " which ONNX Runtime cannot open under a path with characters such as emoji; move or rename the model"
          + " folder to a path without them.");
    }
    try {
      return env.createSession(Files.readAllBytes(file), so);
    } catch (java.io.IOException e) {
      throw new InvalidModelException(file, "Cannot read the " + part + " model " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether ONNX Runtime can be handed {@code file}'s path (no characters outside the BMP). */
  private static boolean plainPath(Path file) {
    return file.toString().codePoints().noneMatch(Character::isSupplementaryCodePoint);
  }

  /**
   * With an optimized-model cache on the CPU: the cached optimized model when there is one (opened
   * without optimizing again), else the model, writing its optimized form to the cache.
   */
  private OrtSession openCached(OrtEnvironment env, Path file, OrtSession.SessionOptions so) throws OrtException {
    if (cache.isEmpty() || !effectiveDevice().isCpu()) {
      return env.createSession(file.toString(), so);
    }
    Optional<Path> entry = cache.get().entryFor(file, env.getVersion(), describe());
    if (entry.isEmpty()) {
      return env.createSession(file.toString(), so);
    }
    if (Files.isRegularFile(entry.get())) {
      try (OrtSession.SessionOptions plain = createSessionOptions()) {
        plain.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
        return env.createSession(entry.get().toString(), plain);
      } catch (OrtException e) {
        // a damaged entry: fall through and rewrite it
      }
    }
    Path tmp;
    try {
      tmp = cache.get().temporaryFor(entry.get());
    } catch (java.io.IOException e) {
      return env.createSession(file.toString(), so);
    }
    so.setOptimizedModelFilePath(tmp.toString());
    OrtSession session = env.createSession(file.toString(), so);
    OptimizedModelCache.publish(tmp, entry.get());
    return session;
  }

  private String describe() {
    return options.device() + ",threads=" + options.intraOpThreads() + ",opt=all,disabled=" + DISABLED_OPTIMIZERS + ","
        + tuning.describe();
  }

  /**
   * New session options as this factory creates sessions with them (log level, optimization level,
   * threads, arena, memory pattern, execution provider); the caller closes them. Benchmarks use this
   * to run plain ONNX Runtime with exactly the pipeline's settings.
   *
   * @throws OrtException when ONNX Runtime rejects an option
   */
  public OrtSession.SessionOptions createSessionOptions() throws OrtException {
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    so.addConfigEntry("optimization.disable_specified_optimizers", DISABLED_OPTIMIZERS);
    so.setCPUArenaAllocator(tuning.cpuArena());
    so.setMemoryPatternOptimization(tuning.memoryPattern());
    if (options.intraOpThreads() > 0) {
      so.setIntraOpNumThreads(options.intraOpThreads());
    }
    Device d = options.device();
    if (!d.isCpu() && !cudaFailedAndFellBack) {
      try {
        // ONNX Runtime copies the provider options into the session options, so they are closed here
        try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(d.index())) {
          for (Map.Entry<String, String> e : tuning.cuda().providerOptions(d.index()).entrySet()) {
            cuda.add(e.getKey(), e.getValue());
          }
          so.addCUDA(cuda);
        }
      } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
        String why = "The CUDA execution provider for device " + d + " could not be loaded: "
            + OnnxModel.firstLine(e.getMessage())
            + ". It needs an NVIDIA GPU with its driver, CUDA 12 and cuDNN 9 libraries on the library path, and the"
            + " onnxruntime_gpu jar (dependency io.github.diffuse4j:diffuse4j-cuda, not diffuse4j-cpu).";
        if (!d.fallbackToCpu()) {
          so.close();
          throw new DiffusionException(why + " Use the CPU device, or allow CPU fallback (Device.withFallbackToCpu(true)).",
              e);
        }
        cudaFailedAndFellBack = true;
        warnings.accept("warning: " + why + " Falling back to the CPU.");
      }
    }
    return so;
  }
}
