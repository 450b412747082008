package io.diffuse4j.noise;

import io.diffuse4j.api.noise.NoiseKind;
import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.noise.NoiseSourceFactory;

/**
 * The built-in noise sources: {@link NoiseKind#TORCH} gives a {@link TorchCpuNoise},
 * {@link NoiseKind#NUMPY} a {@link NumpyRandomStateNoise}.
 *
 * <pre>{@code
 * NoiseSourceFactory factory = new DefaultNoiseSourceFactory();
 * NoiseSource noise = factory.create(NoiseKind.TORCH, 42);
 * FloatTensor latents = noise.randn(1, 4, 64, 64);
 * }</pre>
 *
 * <p>Stateless and thread-safe; the sources it returns are not.
 */
public final class DefaultNoiseSourceFactory implements NoiseSourceFactory {

  /** The factory; it holds nothing. */
  public DefaultNoiseSourceFactory() {}

  /**
   * A fresh source for {@code seed}.
   *
   * @throws IllegalArgumentException when {@code kind} is null, or for a NUMPY seed outside
   *     0 .. 2^32 - 1
   */
  @Override
  public NoiseSource create(NoiseKind kind, long seed) {
    if (kind == null) {
      throw new IllegalArgumentException("noise kind must not be null; use NoiseKind.TORCH or NoiseKind.NUMPY");
    }
    return switch (kind) {
      case TORCH -> new TorchCpuNoise(seed);
      case NUMPY -> new NumpyRandomStateNoise(seed);
    };
  }
}
