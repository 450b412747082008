package io.diffuse4j.djl.engine;

import com.google.inject.AbstractModule;
import io.diffuse4j.api.model.DenoiserLoader;
import io.diffuse4j.api.model.TextEncoderLoader;
import io.diffuse4j.api.model.VaeLoader;

/**
 * Binds the part loaders (text encoder, U-Net, VAE) to DJL-engine ones for {@code backend}; used as an
 * override of the ONNX Runtime modules (see {@link PyTorchInferenceEngine}). Opens nothing: the loaders
 * open models when the pipeline loads.
 */
public final class DjlPartsModule extends AbstractModule {

  private final DjlBackend backend;

  /** A module for {@code backend}. */
  public DjlPartsModule(DjlBackend backend) {
    this.backend = backend;
  }

  @Override
  protected void configure() {
    bind(DjlBackend.class).toInstance(backend);
    bind(TextEncoderLoader.class).to(DjlPartLoaders.class);
    bind(DenoiserLoader.class).to(DjlPartLoaders.class);
    bind(VaeLoader.class).to(DjlPartLoaders.class);
  }
}
