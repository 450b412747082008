package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.image.Images;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImagesTest {

  @Test
  void decodedTensorIsClampedAndRounded() {
    // one 1x2 image: pixel 0 = (-2, 0, 1) -> (0, 128, 255); pixel 1 = (NaN, 0.5, -1) -> (0, 191, 0)
    FloatTensor t = FloatTensor.of(new float[] {-2f, Float.NaN, 0f, 0.5f, 1f, -1f}, 1, 3, 1, 2);
    BufferedImage img = Images.toImage(t, 0);
    assertThat(img.getRGB(0, 0) & 0xFFFFFF).isEqualTo((0 << 16) | (128 << 8) | 255);
    assertThat(img.getRGB(1, 0) & 0xFFFFFF).isEqualTo((0 << 16) | (191 << 8));
  }

  @Test
  void imageRoundTripsThroughTensor() {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < 16; i++) {
      img.setRGB(i % 4, i / 4, (i * 16) << 16 | (255 - i * 16) << 8 | 7 * i);
    }
    FloatTensor t = Images.toTensor(img, 4, 4);
    assertThat(t.shape()).containsExactly(1, 3, 4, 4);
    BufferedImage back = Images.toImage(t, 0);
    for (int i = 0; i < 16; i++) {
      assertThat(back.getRGB(i % 4, i / 4)).isEqualTo(img.getRGB(i % 4, i / 4));
    }
  }

  @Test
  void greyAndTransparentImagesBecomeRgb() {
    BufferedImage grey = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(0, 0, 0, 200);
    FloatTensor t = Images.toTensor(grey, 2, 2);
    assertThat(t.data()[0]).isEqualTo(t.data()[4]).isEqualTo(t.data()[8]);
    BufferedImage clear = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
    FloatTensor w = Images.toTensor(clear, 2, 2);
    assertThat(w.data()).containsOnly(1f); // transparent composited on white
    FloatTensor m = Images.maskToTensor(clear, 4, 4);
    assertThat(m.shape()).containsExactly(1, 1, 4, 4);
  }
}
