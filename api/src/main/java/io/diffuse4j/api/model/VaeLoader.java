package io.diffuse4j.api.model;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens the VAE parts of a model folder ({@code vae_decoder/}, {@code vae_encoder/}).
 * Thread-safe; the caller closes the results.
 */
public interface VaeLoader {

  /** Opens {@code modelDir/vae_decoder}. */
  VaeDecoder loadDecoder(Path modelDir);

  /** Opens {@code modelDir/vae_encoder} when the folder has one. */
  Optional<VaeEncoder> loadEncoder(Path modelDir);
}
