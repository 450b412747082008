package io.diffuse4j.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.diffuse4j.api.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

/**
 * Behaviour of {@link TorchCpuNoise}; bit-exactness against PyTorch itself is checked by
 * the conformance module's RandnConformanceTest with recorded draws. Here the expected values are derived
 * independently: plain double-precision Box-Muller on the Mersenne Twister stream, following
 * the draw-consumption rules PyTorch's kernels have, within 1e-6.
 */
class TorchCpuNoiseTest {

  /** A reference that reads the raw stream the way PyTorch's kernels do, computing in double. */
  private static final class Reference {
    private final Mt19937 mt;
    private Double cached;

    Reference(long seed) {
      mt = new Mt19937((int) seed);
    }

    double uniform24() {
      return (mt.nextInt() & 0xFFFFFF) / 16777216.0;
    }

    double uniform53() {
      long hi = mt.nextInt() & 0xFFFFFFFFL;
      long lo = mt.nextInt() & 0xFFFFFFFFL;
      return ((hi << 32 | lo) & ((1L << 53) - 1)) / 9007199254740992.0;
    }

    double[] randn(int n) {
      double[] out = new double[n];
      if (n < 16) {
        for (int i = 0; i < n; i++) {
          if (cached != null) {
            out[i] = cached;
            cached = null;
          } else {
            double u1 = uniform53();
            double u2 = uniform53();
            double r = Math.sqrt(-2 * Math.log(1 - u2));
            cached = r * Math.sin(2 * Math.PI * u1);
            out[i] = r * Math.cos(2 * Math.PI * u1);
          }
        }
        return out;
      }
      double[] u = new double[n];
      for (int i = 0; i < n; i++) {
        u[i] = uniform24();
      }
      for (int b = 0; b + 16 <= n; b += 16) {
        boxMuller16(u, out, b);
      }
      if (n % 16 != 0) {
        for (int i = n - 16; i < n; i++) {
          u[i] = uniform24();
        }
        boxMuller16(u, out, n - 16);
      }
      return out;
    }

    private static void boxMuller16(double[] u, double[] out, int b) {
      for (int i = 0; i < 8; i++) {
        double r = Math.sqrt(-2 * Math.log(1 - u[b + i]));
        double theta = 2 * Math.PI * u[b + i + 8];
        out[b + i] = r * Math.cos(theta);
        out[b + i + 8] = r * Math.sin(theta);
      }
    }
  }

  private static void assertMatchesReference(long seed, int... sizes) {
    TorchCpuNoise noise = new TorchCpuNoise(seed);
    Reference ref = new Reference(seed);
    for (int n : sizes) {
      float[] got = noise.randn(n).data();
      double[] want = ref.randn(n);
      assertThat(got).hasSize(n);
      for (int i = 0; i < n; i++) {
        assertThat((double) got[i]).as("seed %d, size %d, value %d", seed, n, i)
            .isCloseTo(want[i], within(1e-6));
      }
    }
  }

  @Test
  void edgeSizesFollowTheScalarBlockAndTailPaths() {
    // 1 and 15: scalar doubles with the cached second value; 16: one block; 17 and 33: the
    // last 16 values are redrawn and transformed again.
    assertMatchesReference(2023, 1, 15, 16, 17, 33);
    assertMatchesReference(7, 33, 17, 16, 15, 1);
  }

  @Test
  void cachedScalarNormalSurvivesALargeDraw() {
    assertMatchesReference(5, 3, 256, 1, 2, 17, 5, 33, 7);
  }

  @Test
  void sameSeedRepeatsAndSuccessiveDrawsDiffer() {
    TorchCpuNoise a = new TorchCpuNoise(42);
    TorchCpuNoise b = new TorchCpuNoise(42);
    FloatTensor first = a.randn(1, 4, 8, 8);
    assertThat(b.randn(1, 4, 8, 8)).isEqualTo(first);
    FloatTensor second = a.randn(1, 4, 8, 8);
    assertThat(second.data()).isNotEqualTo(first.data());
    assertThat(b.randn(1, 4, 8, 8)).isEqualTo(second);
    assertThat(new TorchCpuNoise(43).randn(1, 4, 8, 8).data()).isNotEqualTo(first.data());
  }

  @Test
  void seedsAliasThroughTheirLow32BitsAsManualSeedDoes() {
    assertThat(new TorchCpuNoise(-1).randn(40)).isEqualTo(new TorchCpuNoise(0xFFFFFFFFL).randn(40));
    assertThat(new TorchCpuNoise((1L << 32) + 5).randn(3)).isEqualTo(new TorchCpuNoise(5).randn(3));
  }

  @Test
  void keepsTheShapeAndDrawsStandardNormals() {
    FloatTensor t = new TorchCpuNoise(1).randn(2, 4, 32, 32);
    assertThat(t.shape()).containsExactly(2, 4, 32, 32);
    double sum = 0;
    double sq = 0;
    for (float v : t.data()) {
      sum += v;
      sq += v * v;
    }
    int n = t.size();
    assertThat(sum / n).isCloseTo(0.0, within(0.03));
    assertThat(sq / n).isCloseTo(1.0, within(0.03));
    assertThat(t.firstNonFinite()).isEqualTo(-1);
  }

  @Test
  void emptyAndScalarShapes() {
    TorchCpuNoise noise = new TorchCpuNoise(3);
    assertThat(noise.randn(0).size()).isZero();
    assertThat(noise.randn().size()).isEqualTo(1);
  }

  @Test
  void rejectsANegativeDimensionByName() {
    assertThatThrownBy(() -> new TorchCpuNoise(0).randn(1, -4, 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[1, -4, 8]")
        .hasMessageContaining("negative dimension -4");
  }
}
