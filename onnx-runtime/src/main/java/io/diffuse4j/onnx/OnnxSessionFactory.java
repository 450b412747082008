package io.diffuse4j.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.diffuse4j.api.pipeline.Device;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
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
  private final Consumer<String> warnings;
  private volatile boolean cudaFailedAndFellBack;

  /** A factory for these options; warnings (GPU fallback) go to {@code warnings}. */
  public OnnxSessionFactory(RuntimeOptions options, Consumer<String> warnings) {
    this.options = options;
    this.warnings = warnings;
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
    if (!Files.isRegularFile(file)) {
      throw new DiffusionException("Missing " + part + " model: " + file + " does not exist. A model folder needs "
          + part + "/model.onnx as Stable Diffusion ONNX exports have it.");
    }
    // FATAL: failures (e.g. a CUDA provider that cannot load) reach the user as DiffusionExceptions, not native log lines
    OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "diffuse4j");
    try (OrtSession.SessionOptions so = sessionOptions()) {
      return new OnnxModel(env, env.createSession(file.toString(), so), file, part);
    } catch (OrtException e) {
      throw new DiffusionException("Could not load the " + part + " model " + file
          + ": it is not a valid ONNX model or is truncated (" + OnnxModel.firstLine(e.getMessage())
          + "). Re-export or re-download it.", e);
    }
  }

  private OrtSession.SessionOptions sessionOptions() throws OrtException {
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    if (options.intraOpThreads() > 0) {
      so.setIntraOpNumThreads(options.intraOpThreads());
    }
    Device d = options.device();
    if (!d.isCpu() && !cudaFailedAndFellBack) {
      try {
        so.addCUDA(d.index());
      } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
        String why = "The CUDA execution provider for device " + d + " could not be loaded: "
            + OnnxModel.firstLine(e.getMessage())
            + ". It needs an NVIDIA GPU with its driver, CUDA 12 and cuDNN 9 libraries on the library path, and the"
            + " onnxruntime_gpu jar (not the CPU-only onnxruntime).";
        if (!d.fallbackToCpu()) {
          so.close();
          throw new DiffusionException(why + " Use --device cpu, or allow CPU fallback (--fallback-to-cpu).", e);
        }
        cudaFailedAndFellBack = true;
        warnings.accept("warning: " + why + " Falling back to the CPU.");
      }
    }
    return so;
  }
}
