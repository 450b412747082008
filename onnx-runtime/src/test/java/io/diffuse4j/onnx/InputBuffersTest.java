package io.diffuse4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class InputBuffersTest {

  @Test
  void aReturnedBufferIsHandedOutAgainClearedAndOnlyForItsSize() {
    InputBuffers b = new InputBuffers();
    ByteBuffer first = b.take(64);
    assertThat(first.isDirect()).isTrue();
    assertThat(first.order()).isEqualTo(ByteOrder.nativeOrder());
    assertThat(first.capacity()).isEqualTo(64);
    first.position(12);
    b.give(first);
    assertThat(b.pooledBytes()).isEqualTo(64);
    assertThat(b.take(128)).isNotSameAs(first);
    ByteBuffer again = b.take(64);
    assertThat(again).isSameAs(first);
    assertThat(again.position()).isZero();
    assertThat(again.limit()).isEqualTo(64);
    assertThat(b.pooledBytes()).isZero();
  }

  @Test
  void twoTakersAtOnceGetTwoBuffers() {
    InputBuffers b = new InputBuffers();
    ByteBuffer x = b.take(32);
    ByteBuffer y = b.take(32);
    assertThat(x).isNotSameAs(y);
    b.give(x);
    b.give(y);
    assertThat(b.pooledBytes()).isEqualTo(64);
  }

  @Test
  void keepsNoMoreThanItsLimitAndNothingAfterClear() {
    InputBuffers b = new InputBuffers();
    int big = (int) (InputBuffers.MAX_POOLED_BYTES / 2 + 1);
    ByteBuffer one = b.take(big);
    ByteBuffer two = b.take(big);
    b.give(one);
    b.give(two); // over the limit: dropped
    assertThat(b.pooledBytes()).isEqualTo(big);
    b.clear();
    assertThat(b.pooledBytes()).isZero();
    b.give(b.take(16));
    assertThat(b.pooledBytes()).isZero();
  }
}
