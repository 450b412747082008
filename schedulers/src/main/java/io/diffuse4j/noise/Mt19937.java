package io.diffuse4j.noise;

/**
 * The 32-bit Mersenne Twister (MT19937, Matsumoto and Nishimura 1998), seeded with
 * {@code init_genrand}: the engine behind both PyTorch's CPU generator and NumPy's legacy
 * {@code RandomState}.
 *
 * <pre>{@code
 * Mt19937 mt = new Mt19937(5489);
 * int first = mt.nextInt(); // 3499211612 as an unsigned value
 * }</pre>
 *
 * <p>Not thread-safe: each instance is one stream.
 */
final class Mt19937 {

  private static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;

  private final int[] state = new int[N];
  private int pos;

  /** Seeds with {@code init_genrand(seed)}; {@code seed} is taken as an unsigned 32-bit value. */
  Mt19937(int seed) {
    state[0] = seed;
    for (int i = 1; i < N; i++) {
      int prev = state[i - 1];
      state[i] = 1812433253 * (prev ^ (prev >>> 30)) + i;
    }
    pos = N;
  }

  /** The next 32 random bits (read as unsigned: {@code nextInt() & 0xFFFFFFFFL}). */
  int nextInt() {
    if (pos >= N) {
      twist();
    }
    int y = state[pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y;
  }

  /**
   * NumPy's legacy {@code random_sample} double ({@code genrand_res53}): 53 random bits, the
   * first draw's top 27 bits above the second draw's top 26 bits, times 2^-53; in [0, 1).
   */
  double nextDouble53() {
    long a = (nextInt() >>> 5) & 0xFFFFFFFFL;
    long b = (nextInt() >>> 6) & 0xFFFFFFFFL;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  private void twist() {
    for (int i = 0; i < N; i++) {
      int y = (state[i] & UPPER_MASK) | (state[(i + 1) % N] & LOWER_MASK);
      int next = state[(i + M) % N] ^ (y >>> 1);
      state[i] = (y & 1) != 0 ? next ^ MATRIX_A : next;
    }
    pos = 0;
  }
}
