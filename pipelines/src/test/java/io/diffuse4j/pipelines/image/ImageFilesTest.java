package io.diffuse4j.pipelines.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Images of every colour model read with the right colours; bombs and junk refused before decoding. */
class ImageFilesTest {

  static Path resource(String name) {
    try {
      return Path.of(ImageFilesTest.class.getResource("/hostile-images/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Left half grey 84 (Pillow's reading of the same file), right half white. */
  @ParameterizedTest
  @CsvSource({"cmyk.jpg, 84, 84, 84, 3", "grey-alpha.png, 84, 84, 84, 0", "grey16.png, 84, 84, 84, 0",
      "grey.png, 84, 84, 84, 0", "palette.png, 255, 0, 0, 0"})
  void everyColourModelKeepsItsColours(String file, int r, int g, int b, int tolerance) {
    BufferedImage img = ImageFiles.read(resource(file), "initImage");
    BufferedImage rgb = Images.toRgb(img, 16, 8);
    int left = rgb.getRGB(2, 2);
    assertThat((left >> 16) & 0xFF).as(file + " red").isCloseTo(r, org.assertj.core.data.Offset.offset(tolerance));
    assertThat((left >> 8) & 0xFF).as(file + " green").isCloseTo(g, org.assertj.core.data.Offset.offset(tolerance));
    assertThat(left & 0xFF).as(file + " blue").isCloseTo(b, org.assertj.core.data.Offset.offset(tolerance));
    assertThat(rgb.getRGB(12, 2) & 0xFFFFFF).as(file + " right half").isCloseTo(0xFFFFFF,
        org.assertj.core.data.Offset.offset(tolerance * 0x010101));
    // the mask reading of grey 84 is 84/255, not "repaint everything"
    float m = Images.maskToTensor(img, 16, 8).data()[2 * 16 + 2];
    if (r == g && g == b) {
      assertThat(m).as(file + " mask").isCloseTo(84 / 255f, org.assertj.core.data.Offset.offset(0.02f));
    }
  }

  @Test
  void onePixelImageIsResized() {
    BufferedImage img = ImageFiles.read(resource("one-pixel.png"), "initImage");
    assertThat(Images.toRgb(img, 64, 64).getRGB(40, 40) & 0xFFFFFF).isEqualTo(0xFF0000);
  }

  @Test
  void decompressionBombIsRefusedBeforeDecoding(@TempDir Path dir) throws Exception {
    Path bomb = dir.resolve("bomb.png");
    Files.write(bomb, png(20000, 20000));
    assertThat(Files.size(bomb)).isLessThan(1 << 20);
    long before = usedHeap();
    assertThatThrownBy(() -> ImageFiles.read(bomb, "mask"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("bomb.png").hasMessageContaining("20000 x 20000").hasMessageContaining("not decoded")
        .extracting(e -> ((InvalidRequestException) e).field()).isEqualTo("mask");
    assertThat(usedHeap() - before).as("bytes allocated").isLessThan(200L << 20);
  }

  @Test
  void junkTruncatedAndMissingFilesNameTheFile(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("notes.png");
    Files.writeString(text, "not an image");
    assertThatThrownBy(() -> ImageFiles.read(text, "initImage")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("notes.png").hasMessageContaining("not an image");
    Path cut = dir.resolve("cut.png");
    byte[] full = png(64, 64);
    Files.write(cut, java.util.Arrays.copyOf(full, 40));
    assertThatThrownBy(() -> ImageFiles.read(cut, "initImage")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("cut.png");
    assertThatThrownBy(() -> ImageFiles.read(dir.resolve("none.png"), "initImage"))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("none.png");
    assertThatThrownBy(() -> ImageFiles.read(dir, "initImage")).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void maskOfAnotherAspectRatioIsNamed() {
    BufferedImage wide = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
    assertThat(Images.aspectWarning("mask", wide, 64, 64)).contains("200x100").contains("64x64");
    assertThat(Images.aspectWarning("mask", new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB), 64, 64)).isNull();
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** A grey PNG of the given size whose pixels are all zero: compresses about 1000 to 1. */
  static byte[] png(int w, int h) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(out);
    d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream ih = new DataOutputStream(ihdr);
    ih.writeInt(w);
    ih.writeInt(h);
    ih.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit grey
    chunk(d, "IHDR", ihdr.toByteArray());
    Deflater def = new Deflater(9);
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    byte[] rowBuf = new byte[w + 1];
    byte[] buf = new byte[1 << 16];
    for (int y = 0; y < Math.min(h, 200); y++) { // enough rows for a plausible stream; the rest is missing
      def.setInput(rowBuf);
      while (!def.needsInput()) {
        idat.write(buf, 0, def.deflate(buf));
      }
    }
    def.finish();
    while (!def.finished()) {
      idat.write(buf, 0, def.deflate(buf));
    }
    chunk(d, "IDAT", idat.toByteArray());
    chunk(d, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(DataOutputStream d, String type, byte[] data) throws Exception {
    d.writeInt(data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }
}
