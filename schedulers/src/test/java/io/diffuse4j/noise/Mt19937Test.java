package io.diffuse4j.noise;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Mt19937Test {

  @Test
  void firstOutputForTheDefaultSeedIsTheReferenceValue() {
    // Matsumoto and Nishimura's mt19937ar.c, init_genrand(5489): first output 3499211612.
    assertThat(new Mt19937(5489).nextInt() & 0xFFFFFFFFL).isEqualTo(3499211612L);
  }

  @Test
  void tenThousandthOutputMatchesTheCppStandard() {
    // C++11 [rand.predef]: the 10000th invocation of a default-constructed std::mt19937 is 4123659995.
    Mt19937 mt = new Mt19937(5489);
    int v = 0;
    for (int i = 0; i < 10000; i++) {
      v = mt.nextInt();
    }
    assertThat(v & 0xFFFFFFFFL).isEqualTo(4123659995L);
  }

  @Test
  void res53DoubleMatchesNumpysRandomSample() {
    // np.random.RandomState(0).random_sample(2) == [0.5488135039273248, 0.7151893663724195]
    Mt19937 mt = new Mt19937(0);
    assertThat(mt.nextDouble53()).isEqualTo(0.5488135039273248);
    assertThat(mt.nextDouble53()).isEqualTo(0.7151893663724195);
  }
}
