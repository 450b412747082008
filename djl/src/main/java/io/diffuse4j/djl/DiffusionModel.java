package io.diffuse4j.djl;

import ai.djl.BaseModel;
import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import io.diffuse4j.pipelines.Diffusion;
import io.diffuse4j.pipelines.InferenceEngine;
import io.diffuse4j.pipelines.model.BundledModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A DJL {@link ai.djl.Model} holding an opened diffuse4j pipeline; created by DJL for engine
 * {@value DiffusionEngine#ENGINE_NAME} and read by the translators of {@link DiffusionTranslatorFactory}.
 *
 * <p>{@link #load} opens the model folder: the folder itself when it holds a {@code model_index.json}, else
 * the folder named by the option or argument {@code model} (relative to the folder, or {@code bundled} for the
 * bundled model). Further settings, from {@code Criteria.optArgument}/{@code optOption} or
 * {@code serving.properties}: {@code device} ({@code cpu}, {@code cuda}, {@code cuda:N}; default: the
 * Criteria's device), {@code partsEngine} (the inference engine of the parts, default {@code OnnxRuntime},
 * or {@code PyTorch}), {@code threads} (intra-op threads, 0 = engine default).
 *
 * <p>Closing the model closes the pipeline. The pipeline is thread-safe as documented by
 * {@link DiffusionPipeline}; the model itself is not meant to be loaded twice.
 */
public final class DiffusionModel extends BaseModel {

  /** The option naming the model folder when the loaded folder holds none (DJL Serving folders). */
  public static final String MODEL = "model";
  /** The option choosing the parts' inference engine. */
  public static final String PARTS_ENGINE = "partsEngine";

  private final Device djlDevice;
  private DiffusionPipeline pipeline;

  DiffusionModel(String name, Device device, Engine engine) {
    super(name);
    this.djlDevice = device != null ? device : Device.cpu();
    this.manager = engine.newBaseManager(djlDevice);
    this.dataType = DataType.FLOAT32;
  }

  @Override
  public void load(Path modelPath, String prefix, Map<String, ?> options) throws MalformedModelException {
    Path given = Files.isRegularFile(modelPath) ? modelPath.getParent() : modelPath;
    setModelDir(given);
    Path dir = resolveFolder(given, setting(options, MODEL));
    String device = setting(options, "device");
    String threads = setting(options, "threads");
    String partsEngine = setting(options, PARTS_ENGINE);
    io.diffuse4j.api.pipeline.Device d = device != null ? io.diffuse4j.api.pipeline.Device.parse(device)
        : djlDevice.isGpu() ? new io.diffuse4j.api.pipeline.Device("cuda", djlDevice.getDeviceId(), false)
        : io.diffuse4j.api.pipeline.Device.CPU;
    int n = 0;
    if (threads != null) {
      try {
        n = Integer.parseInt(threads.trim());
      } catch (NumberFormatException e) {
        throw new MalformedModelException("Option 'threads' of " + given + " must be a whole number, got '"
            + threads + "'", e);
      }
    }
    System.Logger log = System.getLogger(DiffusionModel.class.getName());
    pipeline = Diffusion.builder().model(dir).runtime(new RuntimeOptions(d, n))
        .engine(partsEngine != null ? partsEngine : InferenceEngine.ONNX_RUNTIME)
        .warnings(w -> log.log(System.Logger.Level.WARNING, w)).load();
    wasLoaded = true;
  }

  private String setting(Map<String, ?> options, String key) {
    Object v = options == null ? null : options.get(key);
    if (v == null) {
      v = getProperty(key);
    }
    return v == null || v.toString().isBlank() ? null : v.toString().trim();
  }

  private static Path resolveFolder(Path given, String model) {
    if (model == null) {
      if (!Files.isRegularFile(given.resolve("model_index.json"))) {
        throw new InvalidModelException(given, "Not a diffusion model folder: " + given + " has no model_index.json."
            + " Point the Criteria at a Stable Diffusion ONNX export, or name the model folder with the option"
            + " 'model' (a path relative to " + given + ", or 'bundled') in serving.properties (option.model=...).");
      }
      return given;
    }
    if ("bundled".equals(model)) {
      return BundledModelFiles.folder();
    }
    Path dir = given.resolve(model).normalize();
    if (!Files.isRegularFile(dir.resolve("model_index.json"))) {
      throw new InvalidModelException(dir, "The option model=" + model + " of " + given + " names " + dir
          + ", which has no model_index.json. Name a Stable Diffusion ONNX export, or 'bundled'.");
    }
    return dir;
  }

  /** The opened pipeline. */
  public DiffusionPipeline pipeline() {
    if (pipeline == null) {
      throw new IllegalStateException("The model " + getName() + " is not loaded yet");
    }
    return pipeline;
  }

  @Override
  public void close() {
    try {
      if (pipeline != null) {
        pipeline.close();
        pipeline = null;
      }
    } finally {
      super.close();
    }
  }
}
