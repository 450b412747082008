package io.diffuse4j.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class DjlImagesTest {

  private static BufferedImage sample() {
    BufferedImage b = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 5; x++) {
        b.setRGB(x, y, (x * 50) << 16 | (y * 80) << 8 | (x + y) * 20);
      }
    }
    return b;
  }

  @Test
  void roundTripKeepsEveryPixel() throws Exception {
    BufferedImage b = sample();
    Image djl = DjlImages.toImage(b);
    assertThat(djl.getWidth()).isEqualTo(5);
    assertThat(djl.getHeight()).isEqualTo(3);
    assertThat(Fixtures.maxChannelDiff(DjlImages.toBufferedImage(djl), b)).isZero();
  }

  @Test
  void imageDecodedByDjlConvertsToo() throws Exception {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(sample(), "png", png);
    Image djl = ImageFactory.getInstance().fromInputStream(new ByteArrayInputStream(png.toByteArray()));
    assertThat(Fixtures.maxChannelDiff(DjlImages.toBufferedImage(djl), sample())).isZero();
  }
}
