package io.diffuse4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfTest {

  @Test
  void roundTripsEveryHalfValue() {
    for (int bits = 0; bits < 0x10000; bits++) {
      short h = (short) bits;
      float f = Half.toFloat(h);
      if (Float.isNaN(f)) {
        assertThat(Float.isNaN(Half.toFloat(Half.fromFloat(f)))).isTrue();
      } else {
        assertThat(Half.fromFloat(f)).as("bits %04x", bits).isEqualTo(h);
      }
    }
  }

  @Test
  void knownValuesAndRounding() {
    assertThat(Half.toFloat((short) 0x3C00)).isEqualTo(1.0f);
    assertThat(Half.toFloat((short) 0xC000)).isEqualTo(-2.0f);
    assertThat(Half.toFloat((short) 0x7BFF)).isEqualTo(65504f);
    assertThat(Half.fromFloat(70000f)).isEqualTo((short) 0x7C00); // overflow -> +inf
    assertThat(Half.fromFloat(1.0f + 0x1p-11f)).isEqualTo((short) 0x3C00); // tie -> even
    assertThat(Half.fromFloat(1.0f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3C01);
    assertThat(Half.toFloat(Half.fromFloat(0x1p-24f))).isEqualTo(0x1p-24f); // smallest subnormal
  }
}
