package io.diffuse4j.pipelines;

import com.google.inject.AbstractModule;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import io.diffuse4j.api.noise.NoiseSourceFactory;
import io.diffuse4j.noise.DefaultNoiseSourceFactory;
import java.util.function.Consumer;

/**
 * Binds what the pipeline itself needs: the noise source factory (PyTorch- and NumPy-equal
 * generators) and where warnings go. Opens nothing.
 */
public final class PipelineModule extends AbstractModule {

  private final Consumer<String> warnings;

  /** A module sending warnings (GPU fallback, ...) to {@code warnings}. */
  public PipelineModule(Consumer<String> warnings) {
    this.warnings = warnings;
  }

  @Override
  protected void configure() {
    bind(NoiseSourceFactory.class).to(DefaultNoiseSourceFactory.class);
    bind(new TypeLiteral<Consumer<String>>() { }).annotatedWith(Names.named("diffuse4j.warnings")).toInstance(warnings);
  }
}
