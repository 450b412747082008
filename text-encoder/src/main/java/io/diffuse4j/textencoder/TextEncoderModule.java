package io.diffuse4j.textencoder;

import com.google.inject.AbstractModule;
import io.diffuse4j.api.model.TextEncoderLoader;

/** Binds the ONNX CLIP text encoder loader. Opens nothing. */
public final class TextEncoderModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(TextEncoderLoader.class).to(OnnxTextEncoderLoader.class);
  }
}
