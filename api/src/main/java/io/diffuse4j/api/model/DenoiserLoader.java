package io.diffuse4j.api.model;

import java.nio.file.Path;

/** Opens the U-Net of a model folder ({@code unet/model.onnx}). Thread-safe; the caller closes the result. */
public interface DenoiserLoader {

  /** Opens {@code modelDir/unet}. */
  Denoiser load(Path modelDir);
}
