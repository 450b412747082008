package io.diffuse4j.vae;

import com.google.inject.AbstractModule;
import io.diffuse4j.api.model.VaeLoader;

/** Binds the ONNX VAE loader. Opens nothing. */
public final class VaeModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(VaeLoader.class).to(OnnxVaeLoader.class);
  }
}
