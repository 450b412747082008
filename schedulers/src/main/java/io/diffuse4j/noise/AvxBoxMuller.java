package io.diffuse4j.noise;

/**
 * PyTorch 1.13's AVX2 Box-Muller block ({@code normal_fill_16_AVX2} in
 * {@code aten/src/ATen/native/cpu/DistributionKernels.cpp}) replayed lane by lane in float32.
 *
 * <p>PyTorch computes {@code log}, {@code sin} and {@code cos} with the Cephes-style polynomials of
 * {@code avx_mathfun.h} (Julien Pommier's {@code log256_ps} and {@code sincos256_ps}). GCC, given
 * {@code -mfma}, fuses some of their multiply-then-add pairs into single-rounding fused
 * multiply-adds and leaves others as two roundings. Which pairs are fused was read from the
 * machine code of the x86-64 AVX2 kernel in {@code libtorch_cpu.so} 1.13 (GCC 12); each step
 * below follows one instruction, {@link Math#fma(float, float, float)} standing for a fused one.
 * The constants are the bit patterns found in that library's read-only data.
 *
 * <p>Stateless; safe to use from any thread.
 */
final class AvxBoxMuller {

  /** {@code (float) (2 * pi)}. */
  private static final float TWO_PI = Float.intBitsToFloat(0x40c90fdb);

  // log256_ps
  private static final float SQRTHF = Float.intBitsToFloat(0x3f3504f3);
  private static final float LOG_P0 = Float.intBitsToFloat(0x3d9021bb);
  private static final float[] LOG_P = {
    Float.intBitsToFloat(0xbdebd1b8), Float.intBitsToFloat(0x3def251a),
    Float.intBitsToFloat(0xbdfe5d4f), Float.intBitsToFloat(0x3e11e9bf),
    Float.intBitsToFloat(0xbe2aae50), Float.intBitsToFloat(0x3e4cceac),
    Float.intBitsToFloat(0xbe7ffffc), Float.intBitsToFloat(0x3eaaaaaa),
  };
  private static final float LOG_Q1 = Float.intBitsToFloat(0xb95e8083);
  private static final float LOG_Q2 = Float.intBitsToFloat(0x3f318000);

  // sincos256_ps
  private static final float FOPI = Float.intBitsToFloat(0x3fa2f983);
  private static final float DP1 = Float.intBitsToFloat(0xbf490000);
  private static final float DP2 = Float.intBitsToFloat(0xb97da000);
  private static final float DP3 = Float.intBitsToFloat(0xb3222169);
  private static final float COS_P0 = Float.intBitsToFloat(0x37ccf5ce);
  private static final float COS_P1 = Float.intBitsToFloat(0xbab6061a);
  private static final float COS_P2 = Float.intBitsToFloat(0x3d2aaaa5);
  private static final float SIN_P0 = Float.intBitsToFloat(0xb94ca1f9);
  private static final float SIN_P1 = Float.intBitsToFloat(0x3c08839e);
  private static final float SIN_P2 = Float.intBitsToFloat(0xbe2aaaa3);

  private AvxBoxMuller() {}

  /**
   * Turns 16 uniforms {@code d[off .. off+16)} in [0, 1) into 16 standard normals in place:
   * for lane {@code i < 8}, {@code u1 = 1 - d[i]}, {@code u2 = d[i + 8]},
   * {@code d[i] = r cos(theta)}, {@code d[i + 8] = r sin(theta)} with
   * {@code r = sqrt(-2 log u1)} and {@code theta = 2 pi u2}.
   */
  static void transform16(float[] d, int off) {
    for (int i = 0; i < 8; i++) {
      float u1 = 1.0f - d[off + i];
      float theta = TWO_PI * d[off + i + 8];
      float radius = (float) Math.sqrt(-2.0f * log(u1));
      // sincos256_ps: one octant reduction feeds both results.
      float x = reduce(theta);
      int j = octant(theta);
      float sinPoly = sinPoly(x);
      float cosPoly = cosPoly(x);
      float sin = sinSign(theta, j, (j & 2) == 0 ? sinPoly : cosPoly);
      float cos = cosSign(j, (j & 2) == 0 ? cosPoly : sinPoly);
      // _mm256_fmadd_ps(n, std = 1, mean = 0): the product first, then + 0 (which turns -0 into +0).
      d[off + i] = radius * cos + 0.0f;
      d[off + i + 8] = radius * sin + 0.0f;
    }
  }

  /** {@code log256_ps} for one lane, as compiled with FMA. */
  static float log(float v) {
    boolean invalid = v <= 0.0f || Float.isNaN(v);
    float x = Math.max(v, Float.MIN_NORMAL);
    int bits = Float.floatToRawIntBits(x);
    float e = (float) ((bits >>> 23) - 0x7f) + 1.0f;
    x = Float.intBitsToFloat((bits & 0x807fffff) | 0x3f000000);
    boolean small = x < SQRTHF;
    float tmp = small ? x : 0.0f;
    x = x + -1.0f;
    e = e - (small ? 1.0f : 0.0f);
    float eq1 = e * LOG_Q1;
    x = tmp + x;
    float y = LOG_P0;
    for (float p : LOG_P) {
      y = Math.fma(x, y, p);
    }
    float z = x * x;
    y = x * y;
    y = Math.fma(y, z, eq1);
    y = Math.fma(-z, 0.5f, y);
    x = x + y;
    x = Math.fma(e, LOG_Q2, x);
    return invalid ? Float.NaN : x;
  }

  /** The sine half of {@code sincos256_ps} for one lane, as compiled with FMA. */
  static float sin(float v) {
    int j = octant(v);
    float x = reduce(v);
    return sinSign(v, j, (j & 2) == 0 ? sinPoly(x) : cosPoly(x));
  }

  /** The cosine half of {@code sincos256_ps} for one lane, as compiled with FMA. */
  static float cos(float v) {
    int j = octant(v);
    float x = reduce(v);
    return cosSign(j, (j & 2) == 0 ? cosPoly(x) : sinPoly(x));
  }

  /** The even octant index {@code j = (trunc(|v| * 4/pi) + 1) & ~1}. */
  private static int octant(float v) {
    int j = (int) (Math.abs(v) * FOPI); // vcvttps2dq truncates
    return (j + 1) & ~1;
  }

  /** {@code |v| - j * pi/4}, pi/4 split in three parts, each step one fused multiply-add. */
  private static float reduce(float v) {
    float y = (float) octant(v);
    float x = Math.abs(v);
    x = Math.fma(y, DP1, x);
    x = Math.fma(y, DP2, x);
    return Math.fma(y, DP3, x);
  }

  /** The sine's sign: the input's sign flipped when bit 2 of {@code j} is set. */
  private static float sinSign(float v, int j, float s) {
    boolean negative = (Float.floatToRawIntBits(v) < 0) ^ ((j & 4) != 0);
    return negative ? -s : s;
  }

  /** The cosine's sign: negative when bit 2 of {@code j - 2} is clear. */
  private static float cosSign(int j, float c) {
    return (~(j - 2) & 4) != 0 ? -c : c;
  }

  private static float cosPoly(float x) {
    float z = x * x;
    float y = Math.fma(COS_P0, z, COS_P1);
    y = Math.fma(z, y, COS_P2);
    float halfZ = z * 0.5f;
    y = z * y;
    y = Math.fma(y, z, -halfZ);
    return y + 1.0f;
  }

  private static float sinPoly(float x) {
    float z = x * x;
    float y = Math.fma(SIN_P0, z, SIN_P1);
    y = Math.fma(z, y, SIN_P2);
    y = z * y;
    return Math.fma(y, x, x);
  }
}
