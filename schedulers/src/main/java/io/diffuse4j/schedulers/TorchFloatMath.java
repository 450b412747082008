package io.diffuse4j.schedulers;

/**
 * {@code torch.exp}, {@code torch.log} and {@code torch.expm1} of float32 values as torch 1.x
 * computes them on x86 CPUs: with SLEEF's vectorised {@code expf_u10}, {@code logf_u10} and
 * {@code expm1f_u10} (built with fused multiply-adds), which are not always correctly rounded.
 * The multistep solvers evaluate their coefficients ({@code exp(-h)}, {@code log(alpha)},
 * {@code expm1(h)}) with these, so they agree with diffusers to the last bit; a correctly rounded
 * {@code (float) Math.exp(x)} differs in about 8% of inputs, which the small differences
 * {@code h} of extreme schedules (cosine, zero-SNR) amplify. Checked bit for bit against torch on
 * hundreds of thousands of inputs.
 *
 * <p>Stateless; thread-safe.
 */
final class TorchFloatMath {

  private TorchFloatMath() {}

  private static final float R_LN2 = 1.442695040888963407359924681001892137426645954152985934135449406931f;
  private static final float L2U = 0.693145751953125f;
  private static final float L2L = 1.428606765330187045e-06f;

  /** SLEEF {@code xexpf} (u10). */
  static float exp(float d) {
    int q = (int) Math.rint(d * R_LN2);
    float s = Math.fma((float) q, -L2U, d);
    s = Math.fma((float) q, -L2L, s);
    float u = 0.000198527617612853646278381f;
    u = Math.fma(u, s, 0.00139304355252534151077271f);
    u = Math.fma(u, s, 0.00833336077630519866943359f);
    u = Math.fma(u, s, 0.0416664853692054748535156f);
    u = Math.fma(u, s, 0.166666671633720397949219f);
    u = Math.fma(u, s, 0.5f);
    u = 1.0f + Math.fma(s * s, u, s);
    u = ldexp2(u, q);
    if (d < -104f) {
      return 0f;
    }
    if (d > 100f) {
      return Float.POSITIVE_INFINITY;
    }
    return Float.isNaN(d) ? Float.NaN : u;
  }

  /** SLEEF {@code xlogf_u1} (torch's {@code Sleef_logf8_u10}). */
  static float log(float d) {
    if (Float.isNaN(d) || d < 0f) {
      return Float.NaN;
    }
    if (d == 0f) {
      return Float.NEGATIVE_INFINITY;
    }
    if (d == Float.POSITIVE_INFINITY) {
      return Float.POSITIVE_INFINITY;
    }
    boolean tiny = d < Float.MIN_NORMAL;
    if (tiny) {
      d = d * (float) (1L << 32) * (float) (1L << 32);
    }
    int e = ((Float.floatToRawIntBits(d * (1.0f / 0.75f)) >>> 23) & 0xff) - 0x7f;
    float m = Float.intBitsToFloat(Float.floatToRawIntBits(d) + (-e << 23));
    if (tiny) {
      e -= 64;
    }
    // s = (ln2 as a double-float) * e
    float[] s = mul(0.69314718246459960938f, -1.904654323148236017e-09f, (float) e);
    // x = (m - 1) / (m + 1) in double-float
    float[] num = add2(-1f, m);
    float[] den = add2(1f, m);
    float[] x = div(num[0], num[1], den[0], den[1]);
    float x2 = x[0] * x[0];
    float t = 0.3027294874e+0f;
    t = Math.fma(t, x2, 0.3996108174e+0f);
    t = Math.fma(t, x2, 0.6666694880e+0f);
    // s = s + 2x (dfadd_vf2_vf2_vf2), then s + x^3 t (dfadd_vf2_vf2_vf)
    float x0 = x[0] * 2f;
    float x1 = x[1] * 2f;
    float s0 = s[0] + x0;
    float s1 = (((s[0] - s0) + x0) + s[1]) + x1;
    float v = (x2 * x[0]) * t;
    float r0 = s0 + v;
    float r1 = ((s0 - r0) + v) + s1;
    return r0 + r1;
  }

  /** SLEEF {@code xexpm1f} (u10). */
  static float expm1(float a) {
    if (Float.isNaN(a)) {
      return Float.NaN;
    }
    if (a > 88.72283172607421875f) {
      return Float.POSITIVE_INFINITY;
    }
    if (a < -16.635532333438687426013570f) {
      return -1f;
    }
    if (a == 0f && Float.floatToRawIntBits(a) != 0) {
      return -0.0f;
    }
    float[] e = expk2(a);
    // dfadd2_vf2_vf2_vf(e, -1)
    float s = e[0] + -1f;
    float v = s - e[0];
    float t = (e[0] - (s - v)) + (-1f - v);
    return s + (t + e[1]);
  }

  /** SLEEF {@code expk2f}: exp of a float as a double-float. */
  private static float[] expk2(float d0) {
    float d1 = 0f;
    int q = (int) Math.rint((d0 + d1) * R_LN2);
    float[] s = add2(d0, d1, (float) q * -L2U);
    s = add2(s[0], s[1], (float) q * -L2L);
    float u = +0.1980960224e-3f;
    u = Math.fma(u, s[0], +0.1394256484e-2f);
    u = Math.fma(u, s[0], +0.8333456703e-2f);
    u = Math.fma(u, s[0], +0.4166637361e-1f);
    float[] t = mul(s[0], s[1], u);
    t = add2(t[0], t[1], +0.166666659414234244790680580464e+0f);
    t = mul2(s[0], s[1], t[0], t[1]);
    t = add2(t[0], t[1], 0.5f);
    float[] sq = square(s[0], s[1]);
    float[] p = mul2(sq[0], sq[1], t[0], t[1]);
    // dfadd2_vf2_vf2_vf2(s, p)
    float a0 = s[0] + p[0];
    float av = a0 - s[0];
    float at = (s[0] - (a0 - av)) + (p[0] - av);
    t = new float[] {a0, at + (s[1] + p[1])};
    // dfadd_vf2_vf_vf2(1, t)
    float b0 = 1f + t[0];
    float b1 = ((1f - b0) + t[0]) + t[1];
    float r0 = ldexp2(b0, q);
    float r1 = ldexp2(b1, q);
    if (d0 < -104f) {
      return new float[] {0f, 0f};
    }
    return new float[] {r0, r1};
  }

  private static float ldexp2(float d, int e) {
    int h = e >> 1;
    return d * pow2i(h) * pow2i(e - h);
  }

  private static float pow2i(int q) {
    return Float.intBitsToFloat((q + 0x7f) << 23);
  }

  /** dfadd2_vf2_vf_vf. */
  private static float[] add2(float x, float y) {
    float s = x + y;
    float v = s - x;
    return new float[] {s, (x - (s - v)) + (y - v)};
  }

  /** dfadd2_vf2_vf2_vf. */
  private static float[] add2(float x0, float x1, float y) {
    float s = x0 + y;
    float v = s - x0;
    float t = (x0 - (s - v)) + (y - v);
    return new float[] {s, t + x1};
  }

  /** dfmul_vf2_vf2_vf (FMA form). */
  private static float[] mul(float x0, float x1, float y) {
    float s = x0 * y;
    return new float[] {s, Math.fma(x1, y, Math.fma(x0, y, -s))};
  }

  /** dfmul_vf2_vf2_vf2 (FMA form). */
  private static float[] mul2(float x0, float x1, float y0, float y1) {
    float s = x0 * y0;
    return new float[] {s, Math.fma(x0, y1, Math.fma(x1, y0, Math.fma(x0, y0, -s)))};
  }

  /** dfsqu_vf2_vf2 (FMA form). */
  private static float[] square(float x0, float x1) {
    float s = x0 * x0;
    return new float[] {s, Math.fma(x0 + x0, x1, Math.fma(x0, x0, -s))};
  }

  /** dfdiv_vf2_vf2_vf2 (FMA form). */
  private static float[] div(float n0, float n1, float d0, float d1) {
    float t = 1.0f / d0;
    float s = n0 * t;
    float u = Math.fma(t, n0, -s);
    float v = Math.fma(-d1, t, Math.fma(-d0, t, 1f));
    return new float[] {s, Math.fma(s, v, Math.fma(n1, t, u))};
  }
}
