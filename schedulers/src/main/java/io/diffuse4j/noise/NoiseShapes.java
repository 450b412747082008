package io.diffuse4j.noise;

import java.util.Arrays;

/** Shape checks shared by the noise sources. Stateless; safe from any thread. */
final class NoiseShapes {

  private NoiseShapes() {}

  /**
   * The number of values a shape holds (1 for the empty shape, a scalar).
   *
   * @throws IllegalArgumentException naming the shape when a dimension is negative or the
   *     tensor would not fit a Java array
   */
  static int numel(int[] shape, String what) {
    if (shape == null) {
      throw new IllegalArgumentException(what + ": shape must not be null; pass the dimensions, e.g. randn(1, 4, 64, 64)");
    }
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            what + ": shape " + Arrays.toString(shape) + " has a negative dimension " + d
                + "; every dimension must be >= 0");
      }
      n *= d;
      if (n > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException(
            what + ": shape " + Arrays.toString(shape) + " holds more values than a Java array can ("
                + (Integer.MAX_VALUE - 16) + "); draw smaller tensors");
      }
    }
    return (int) n;
  }
}
