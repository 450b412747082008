package io.diffuse4j.pipelines;

import com.google.inject.Module;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * A second inference engine for the model parts (text encoder, U-Net, VAE), chosen by name with
 * {@link Diffusion.Builder#engine(String)}. The built-in engine is ONNX Runtime ({@value #ONNX_RUNTIME});
 * others come from jars on the class path that list an implementation in
 * {@code META-INF/services/io.diffuse4j.pipelines.InferenceEngine} (diffuse4j-djl provides
 * {@code PyTorch}). The engine's modules bind {@code TextEncoderLoader}, {@code DenoiserLoader} and
 * {@code VaeLoader} and override the ONNX Runtime ones; the pipeline, schedulers and noise stay as they are.
 *
 * <pre>{@code
 * public final class MyEngine implements InferenceEngine {
 *   public String name() { return "MyEngine"; }
 *   public List<Module> modules(RuntimeOptions options) { return List.of(new MyPartsModule(options)); }
 * }
 * }</pre>
 *
 * <p>Implementations are stateless and thread-safe; their modules only bind (they open nothing).
 */
public interface InferenceEngine {

  /** The name of the built-in engine. */
  String ONNX_RUNTIME = "OnnxRuntime";

  /** The name users select the engine by (matched ignoring case). */
  String name();

  /** Guice modules binding the part loaders of this engine for {@code options}. */
  List<Module> modules(RuntimeOptions options);

  /**
   * The engine called {@code name} among those on the class path of {@code loader}.
   *
   * @throws IllegalArgumentException naming the engines available when none is called so
   */
  static InferenceEngine find(String name, ClassLoader loader) {
    List<String> names = new ArrayList<>(List.of(ONNX_RUNTIME));
    for (InferenceEngine e : ServiceLoader.load(InferenceEngine.class, loader)) {
      if (e.name().equalsIgnoreCase(name.trim())) {
        return e;
      }
      names.add(e.name());
    }
    throw new IllegalArgumentException("Unknown inference engine '" + name + "': available are " + names
        + (name.toLowerCase(Locale.ROOT).contains("torch") ? "; the PyTorch engine comes with diffuse4j-djl and a"
            + " DJL PyTorch native library (ai.djl.pytorch:pytorch-native-cpu) on the class path" : ""));
  }
}
