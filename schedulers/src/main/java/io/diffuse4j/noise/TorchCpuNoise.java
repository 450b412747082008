package io.diffuse4j.noise;

import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.tensor.FloatTensor;

/**
 * PyTorch's CPU generator, bit for bit: {@code g = torch.Generator().manual_seed(seed)} followed by
 * successive {@code torch.randn(shape, generator=g, dtype=torch.float32)} calls, as PyTorch 1.13
 * computes them on an x86-64 CPU with AVX2 (what diffusers' PyTorch pipelines draw on CPU).
 *
 * <p>How PyTorch fills a float32 tensor of {@code n} values ({@code normal_kernel} in
 * {@code aten/src/ATen/native/cpu/DistributionKernels.cpp}):
 * <ul>
 *   <li>{@code n >= 16}: {@code n} uniforms {@code (next32() & 0xFFFFFF) * 2^-24} are drawn, then
 *       every full block of 16 is turned into normals by the vectorised Box-Muller transform
 *       ({@link AvxBoxMuller}); when {@code n} is not a multiple of 16, 16 <em>more</em> uniforms
 *       are drawn into the last 16 slots (overwriting normals already made there) and that final
 *       block is transformed again. Such a call consumes {@code n + 16} draws.
 *   <li>{@code n < 16}: each value comes from the scalar {@code at::normal_distribution<double>}:
 *       two 53-bit uniforms {@code u1, u2} (each from two 32-bit draws), {@code r = sqrt(-2 log(1 - u2))},
 *       {@code theta = 2 pi u1}; it returns {@code r cos(theta)} and keeps {@code r sin(theta)} in the
 *       generator, where the next scalar value takes it. The kept value survives calls, including
 *       calls of 16 or more values in between, which never touch it.
 * </ul>
 *
 * <p>Seeds follow {@code manual_seed}: a negative seed is its two's complement 64-bit pattern,
 * and the Mersenne Twister is seeded with the low 32 bits, so {@code -1} and {@code 2^32 - 1}
 * (and {@code 2^32 + 5} and {@code 5}) give the same stream.
 *
 * <pre>{@code
 * NoiseSource noise = new TorchCpuNoise(42);
 * FloatTensor latents = noise.randn(1, 4, 64, 64); // == torch.randn((1,4,64,64), generator=g)
 * FloatTensor next = noise.randn(1, 4, 64, 64);    // the generator's second draw
 * }</pre>
 *
 * <p>Not thread-safe: one source per generation.
 */
public final class TorchCpuNoise implements NoiseSource {

  private static final double TWO_PI = 2.0 * Math.PI;
  private static final long MASK_53 = (1L << 53) - 1;

  private final Mt19937 engine;
  private boolean hasNextNormal;
  private double nextNormal;

  /** A generator in the state {@code torch.Generator().manual_seed(seed)} leaves it in. */
  public TorchCpuNoise(long seed) {
    this.engine = new Mt19937((int) seed);
  }

  @Override
  public FloatTensor randn(int... shape) {
    int n = NoiseShapes.numel(shape, "torch.randn");
    float[] data = new float[n];
    if (n >= 16) {
      fillVectorised(data);
    } else {
      for (int i = 0; i < n; i++) {
        data[i] = (float) nextScalarNormal();
      }
    }
    return FloatTensor.of(data, shape);
  }

  private void fillVectorised(float[] data) {
    int n = data.length;
    for (int i = 0; i < n; i++) {
      data[i] = nextUniformFloat();
    }
    for (int i = 0; i + 16 <= n; i += 16) {
      AvxBoxMuller.transform16(data, i);
    }
    if (n % 16 != 0) {
      // PyTorch redraws the last 16 values and transforms them as one more block.
      int start = n - 16;
      for (int i = start; i < n; i++) {
        data[i] = nextUniformFloat();
      }
      AvxBoxMuller.transform16(data, start);
    }
  }

  /** {@code at::uniform_real_distribution<float>(0, 1)}: 24 low bits of one draw, times 2^-24. */
  private float nextUniformFloat() {
    return (engine.nextInt() & 0xFFFFFF) * 0x1p-24f;
  }

  /** {@code at::uniform_real_distribution<double>(0, 1)}: 53 low bits of a 64-bit draw, times 2^-53. */
  private double nextUniformDouble() {
    long hi = engine.nextInt() & 0xFFFFFFFFL;
    long lo = engine.nextInt() & 0xFFFFFFFFL;
    return ((hi << 32 | lo) & MASK_53) * 0x1p-53;
  }

  /** {@code at::normal_distribution<double>(0, 1)} with the generator's cached second value. */
  private double nextScalarNormal() {
    if (hasNextNormal) {
      hasNextNormal = false;
      return nextNormal + 0.0;
    }
    double u1 = nextUniformDouble();
    double u2 = nextUniformDouble();
    double r = Math.sqrt(-2.0 * StrictMath.log(1.0 - u2));
    double theta = TWO_PI * u1;
    nextNormal = r * StrictMath.sin(theta);
    hasNextNormal = true;
    // transformation::normal: value * std + mean with std = 1, mean = 0 (turns -0 into +0).
    return r * StrictMath.cos(theta) + 0.0;
  }
}
