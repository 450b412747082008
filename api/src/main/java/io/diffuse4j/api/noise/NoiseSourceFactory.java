package io.diffuse4j.api.noise;

/** Creates a {@link NoiseSource} for a kind and a seed. Implementations are thread-safe. */
public interface NoiseSourceFactory {

  /** A fresh source for {@code seed}; two sources of the same kind and seed give the same draws. */
  NoiseSource create(NoiseKind kind, long seed);
}
