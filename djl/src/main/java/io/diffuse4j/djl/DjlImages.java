package io.diffuse4j.djl;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Conversions between DJL's {@link Image} and {@link BufferedImage}, the image type of diffuse4j's API.
 *
 * <pre>{@code
 * Image djl = DjlImages.toImage(result.first().image());
 * BufferedImage init = DjlImages.toBufferedImage(djl);   // e.g. for GenerationRequest.initImage
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class DjlImages {

  private DjlImages() {}

  /** Wraps {@code image} as a DJL image (no copy, through DJL's default image factory). */
  public static Image toImage(BufferedImage image) {
    return ImageFactory.getInstance().fromImage(image);
  }

  /**
   * The pixels of {@code image} as a {@link BufferedImage}: the wrapped image itself when DJL's image is
   * backed by one (the default on desktop JVMs), else a PNG round trip of its pixels.
   */
  public static BufferedImage toBufferedImage(Image image) {
    if (image.getWrappedImage() instanceof BufferedImage b) {
      return b;
    }
    try {
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      image.save(png, "png");
      BufferedImage b = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
      if (b == null) {
        throw new IllegalArgumentException("DJL image " + image + " could not be read back as a PNG");
      }
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not convert DJL image " + image + " to a BufferedImage", e);
    }
  }
}
