package io.diffuse4j.unet;

import com.google.inject.AbstractModule;
import io.diffuse4j.api.model.DenoiserLoader;

/** Binds the ONNX U-Net loader. Opens nothing. */
public final class UNetModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(DenoiserLoader.class).to(OnnxDenoiserLoader.class);
  }
}
