package io.diffuse4j.djl.engine;

import ai.djl.Device;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import java.nio.file.Path;

/**
 * Which DJL engine runs the parts, which file of each part folder it reads, and on which device.
 * Immutable and thread-safe.
 *
 * @param engineName DJL's engine name ({@code PyTorch})
 * @param fileName the part's file in its folder ({@code model.pt})
 * @param device the DJL device
 */
public record DjlBackend(String engineName, String fileName, Device device) {

  /** DJL's PyTorch engine on TorchScript files {@code model.pt}. */
  public static DjlBackend pytorch(RuntimeOptions options) {
    io.diffuse4j.api.pipeline.Device d = options.device();
    return new DjlBackend("PyTorch", "model.pt", d.isCpu() ? Device.cpu() : Device.gpu(d.index()));
  }

  /** Opens the part in {@code folder} of {@code modelDir}. */
  public DjlPart open(Path modelDir, String folder) {
    return DjlPart.open(PartSpec.read(modelDir.resolve(folder).resolve(fileName)), engineName, device);
  }
}
