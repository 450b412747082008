package io.diffuse4j.onnx;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.name.Named;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import java.util.function.Consumer;

/**
 * Binds the {@link RuntimeOptions} (device, threads) and the {@link OnnxSessionFactory} that the
 * model modules open their sessions with. Opens nothing itself.
 *
 * <p>Warnings (GPU fallback) go to the {@code Consumer<String>} named {@code diffuse4j.warnings},
 * which the pipeline module binds.
 */
public final class OnnxRuntimeModule extends AbstractModule {

  private final RuntimeOptions options;

  /** A module for these options. */
  public OnnxRuntimeModule(RuntimeOptions options) {
    this.options = options;
  }

  @Override
  protected void configure() {
    bind(RuntimeOptions.class).toInstance(options);
  }

  @Provides
  @Singleton
  OnnxSessionFactory sessionFactory(RuntimeOptions opts, @Named("diffuse4j.warnings") Consumer<String> warnings) {
    return new OnnxSessionFactory(opts, warnings);
  }
}
