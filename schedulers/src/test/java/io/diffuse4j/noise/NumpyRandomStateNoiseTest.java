package io.diffuse4j.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

class NumpyRandomStateNoiseTest {

  @Test
  void firstValuesOfSeedZeroAreNumpysWellKnownOnes() {
    // np.random.RandomState(0).randn(5), as printed by NumPy (float64), rounded to float.
    double[] known = {1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458,
        1.8675579901499675};
    NumpyRandomStateNoise noise = new NumpyRandomStateNoise(0);
    // Two draws (2 then 3 values) continue one stream, the cached second value included.
    float[] a = noise.randn(2).data();
    float[] b = noise.randn(3).data();
    assertThat(new float[] {a[0], a[1], b[0], b[1], b[2]}).containsExactly(
        (float) known[0], (float) known[1], (float) known[2], (float) known[3], (float) known[4]);
  }

  @Test
  void sameSeedRepeatsAndSuccessiveDrawsDiffer() {
    NumpyRandomStateNoise a = new NumpyRandomStateNoise(42);
    NumpyRandomStateNoise b = new NumpyRandomStateNoise(42);
    FloatTensor first = a.randn(1, 4, 8, 8);
    assertThat(b.randn(1, 4, 8, 8)).isEqualTo(first);
    assertThat(a.randn(1, 4, 8, 8).data()).isNotEqualTo(first.data());
    assertThat(first.shape()).containsExactly(1, 4, 8, 8);
  }

  @Test
  void rejectsSeedsNumpyRefuses() {
    assertThatThrownBy(() -> new NumpyRandomStateNoise(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 0 and 2^32 - 1")
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> new NumpyRandomStateNoise(1L << 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4294967296");
    assertThat(new NumpyRandomStateNoise(0xFFFFFFFFL).randn(3).size()).isEqualTo(3);
  }
}
