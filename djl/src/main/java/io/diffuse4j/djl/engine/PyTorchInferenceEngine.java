package io.diffuse4j.djl.engine;

import com.google.inject.Module;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import io.diffuse4j.pipelines.InferenceEngine;
import java.util.List;

/**
 * The inference engine {@code PyTorch}: DJL's PyTorch engine on TorchScript parts ({@code model.pt} in
 * each part folder), selected with {@code Diffusion.builder().engine("PyTorch")} or the CLI's
 * {@code --engine pytorch}. Needs DJL's PyTorch native library on the class path
 * ({@code ai.djl.pytorch:pytorch-native-cpu}, classifier {@code linux-x86_64}, and
 * {@code ai.djl.pytorch:pytorch-jni}); nothing is downloaded. Registered in
 * {@code META-INF/services/io.diffuse4j.pipelines.InferenceEngine}. Stateless and thread-safe.
 */
public final class PyTorchInferenceEngine implements InferenceEngine {

  /** Called by the service loader. */
  public PyTorchInferenceEngine() {}

  @Override
  public String name() {
    return "PyTorch";
  }

  @Override
  public List<Module> modules(RuntimeOptions options) {
    return List.of(new DjlPartsModule(DjlBackend.pytorch(options)));
  }
}
