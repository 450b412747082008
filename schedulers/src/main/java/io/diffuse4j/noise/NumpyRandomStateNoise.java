package io.diffuse4j.noise;

import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.tensor.FloatTensor;

/**
 * NumPy's legacy generator: {@code r = np.random.RandomState(seed)} followed by successive
 * {@code r.randn(*shape).astype(np.float32)} calls (what diffusers' ONNX pipelines draw).
 *
 * <p>An integer seed goes through {@code init_genrand} (NumPy's {@code mt19937_seed}); each value is
 * the legacy polar Box-Muller {@code legacy_gauss}: pairs {@code x1, x2 = 2 u - 1} of 53-bit
 * uniforms are drawn until {@code 0 < r2 = x1^2 + x2^2 < 1}; with {@code f = sqrt(-2 log(r2) / r2)} it
 * returns {@code f x2} and keeps {@code f x1} for the next value, across calls. Values are
 * computed in double and rounded to float at the end, as {@code astype(np.float32)} does.
 *
 * <pre>{@code
 * NoiseSource noise = new NumpyRandomStateNoise(42);
 * FloatTensor latents = noise.randn(1, 4, 64, 64);
 * }</pre>
 *
 * <p>Not thread-safe: one source per generation.
 */
public final class NumpyRandomStateNoise implements NoiseSource {

  private static final long MAX_SEED = 0xFFFFFFFFL;

  private final Mt19937 engine;
  private boolean hasGauss;
  private double gauss;

  /**
   * The state {@code np.random.RandomState(seed)} starts in.
   *
   * @param seed between 0 and 2^32 - 1, the range NumPy accepts
   * @throws IllegalArgumentException for a seed NumPy would refuse
   */
  public NumpyRandomStateNoise(long seed) {
    if (seed < 0 || seed > MAX_SEED) {
      throw new IllegalArgumentException(
          "NumPy RandomState seed must be between 0 and 2^32 - 1 (" + MAX_SEED + "), got " + seed
              + "; use a seed in that range or the TORCH noise kind, which takes any long");
    }
    this.engine = new Mt19937((int) seed);
  }

  @Override
  public FloatTensor randn(int... shape) {
    int n = NoiseShapes.numel(shape, "RandomState.randn");
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      data[i] = (float) nextGauss();
    }
    return FloatTensor.of(data, shape);
  }

  /** {@code legacy_gauss}: the polar method with the cached second value. */
  private double nextGauss() {
    if (hasGauss) {
      hasGauss = false;
      double kept = gauss;
      gauss = 0.0;
      return kept;
    }
    double x1;
    double x2;
    double r2;
    do {
      x1 = 2.0 * engine.nextDouble53() - 1.0;
      x2 = 2.0 * engine.nextDouble53() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = Math.sqrt(-2.0 * StrictMath.log(r2) / r2);
    gauss = f * x1;
    hasGauss = true;
    return f * x2;
  }
}
