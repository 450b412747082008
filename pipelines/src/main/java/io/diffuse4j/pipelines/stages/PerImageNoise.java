package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.List;

/**
 * One noise source per image of a batch, as diffusers' list of generators: a draw of shape
 * {@code [n, ...]} is image k's {@code [1, ...]} draw from source k, for every k, so image k of the
 * batch sees the same numbers as a run of that image alone with its own seed, at every draw (initial
 * latents, image-latent sampling, scheduler noise). Draws for one image ({@code [1, ...]}) go through
 * {@link #source(int)}.
 *
 * <p>Not thread-safe, like the sources it holds: one per generation.
 */
public final class PerImageNoise implements NoiseSource {

  private final List<NoiseSource> sources;

  /** Source k draws image k. */
  public PerImageNoise(List<NoiseSource> sources) {
    this.sources = List.copyOf(sources);
  }

  /** The number of images. */
  public int size() {
    return sources.size();
  }

  /** Image k's own source. */
  public NoiseSource source(int k) {
    return sources.get(k);
  }

  @Override
  public FloatTensor randn(int... shape) {
    if (shape.length == 0 || shape[0] != sources.size()) {
      throw new IllegalStateException("per-image noise draws [" + sources.size() + ", ...], asked for "
          + java.util.Arrays.toString(shape));
    }
    int[] one = shape.clone();
    one[0] = 1;
    FloatTensor[] parts = new FloatTensor[sources.size()];
    for (int k = 0; k < parts.length; k++) {
      parts[k] = sources.get(k).randn(one);
    }
    return FloatTensor.concat(parts);
  }

  /**
   * What each image's own draw for a single-image tensor gives, stacked: {@code perImage} applied to
   * source k for image k when {@code noise} is per-image; else {@code perImage} once on {@code noise},
   * repeated {@code n} times (one generator: the image is encoded once, as diffusers does).
   */
  public static FloatTensor eachImage(NoiseSource noise, int n, java.util.function.Function<NoiseSource, FloatTensor> perImage) {
    if (noise instanceof PerImageNoise p) {
      FloatTensor[] parts = new FloatTensor[p.size()];
      for (int k = 0; k < parts.length; k++) {
        parts[k] = perImage.apply(p.source(k));
      }
      return FloatTensor.concat(parts);
    }
    return Tensors.repeat(perImage.apply(noise), n);
  }
}
