package io.diffuse4j.onnx;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.name.Named;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import java.util.function.Consumer;

/**
 * Binds the {@link RuntimeOptions} (device, threads), the {@link SessionTuning} and the {@link OnnxSessionFactory} that the
 * model modules open their sessions with. Opens nothing itself.
 *
 * <p>Warnings (GPU fallback) go to the {@code Consumer<String>} named {@code diffuse4j.warnings},
 * which the pipeline module binds.
 */
public final class OnnxRuntimeModule extends AbstractModule {

  private final RuntimeOptions options;
  private final SessionTuning tuning;

  /** A module for these options, with {@link SessionTuning#defaults()}. */
  public OnnxRuntimeModule(RuntimeOptions options) {
    this(options, SessionTuning.defaults());
  }

  /** A module for these options and session settings. */
  public OnnxRuntimeModule(RuntimeOptions options, SessionTuning tuning) {
    this.options = options;
    this.tuning = tuning;
  }

  @Override
  protected void configure() {
    bind(RuntimeOptions.class).toInstance(options);
    bind(SessionTuning.class).toInstance(tuning);
  }

  @Provides
  @Singleton
  OnnxSessionFactory sessionFactory(RuntimeOptions opts, SessionTuning t,
      @Named("diffuse4j.warnings") Consumer<String> warnings) {
    return new OnnxSessionFactory(opts, t, warnings);
  }
}
