package io.diffuse4j.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AvxBoxMullerTest {

  @Test
  void logIsWithinAFewUlpsOfTheExactLogOverTheUniformRange() {
    for (int k = 1; k <= (1 << 24); k += 997) {
      float u = k * 0x1p-24f;
      double exact = Math.log(u);
      assertThat((double) AvxBoxMuller.log(u)).as("log(%s)", u)
          .isCloseTo(exact, within(4 * Math.ulp((float) exact) + 1e-9));
    }
    assertThat(AvxBoxMuller.log(1.0f)).isZero();
    assertThat(AvxBoxMuller.log(0.0f)).isNaN();
    assertThat(AvxBoxMuller.log(-1.0f)).isNaN();
  }

  @Test
  void sinAndCosAreWithinAFewUlpsOverOneTurn() {
    float twoPi = (float) (2 * Math.PI);
    for (int k = 0; k < (1 << 24); k += 991) {
      float theta = twoPi * (k * 0x1p-24f);
      assertThat((double) AvxBoxMuller.sin(theta)).as("sin(%s)", theta)
          .isCloseTo(Math.sin(theta), within(3e-7));
      assertThat((double) AvxBoxMuller.cos(theta)).as("cos(%s)", theta)
          .isCloseTo(Math.cos(theta), within(3e-7));
    }
  }

  @Test
  void transformIsBoxMullerOnEachLanePair() {
    float[] d = new float[16];
    for (int i = 0; i < 16; i++) {
      d[i] = (i * 37 % 16) / 16.0f + 0.01f;
    }
    float[] u = d.clone();
    AvxBoxMuller.transform16(d, 0);
    for (int i = 0; i < 8; i++) {
      double r = Math.sqrt(-2 * Math.log(1.0 - u[i]));
      double theta = 2 * Math.PI * u[i + 8];
      assertThat((double) d[i]).isCloseTo(r * Math.cos(theta), within(1e-6));
      assertThat((double) d[i + 8]).isCloseTo(r * Math.sin(theta), within(1e-6));
    }
  }
}
