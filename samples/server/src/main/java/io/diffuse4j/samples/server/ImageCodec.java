package io.diffuse4j.samples.server;

import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.pipelines.image.PngWriter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Base64 and PNG conversions for the HTTP APIs: images out as PNG (generated ones with their
 * parameters in text chunks), images in from base64 (with or without a {@code data:} prefix),
 * their size checked before their pixels are decoded. Stateless and thread-safe.
 */
final class ImageCodec {

  private ImageCodec() {}

  /** A generated image as PNG bytes with its parameters. */
  static byte[] png(GeneratedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PngWriter.write(image, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A plain image (a preview) as PNG bytes. */
  static byte[] png(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  static String dataUrl(BufferedImage image) {
    return "data:image/png;base64," + base64(png(image));
  }

  /** The bytes of a base64 string, with or without a {@code data:image/...;base64,} prefix. */
  static byte[] bytes(String field, String value) {
    String v = value.strip();
    if (v.startsWith("data:")) {
      int comma = v.indexOf(',');
      if (comma < 0) {
        throw ApiException.badRequest(field, field + " is a data URL without a ',' before its base64 data");
      }
      v = v.substring(comma + 1);
    }
    try {
      return Base64.getMimeDecoder().decode(v);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(field, field + " is not base64 image data: " + e.getMessage());
    }
  }

  /** Decodes a base64 image, refusing one larger than {@code maxSide} or {@code maxPixels} before decoding it. */
  static BufferedImage decode(String field, String value, int maxSide, long maxPixels) {
    byte[] data = bytes(field, value);
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw ApiException.badRequest(field, field + " is not a PNG, JPEG, BMP or GIF image (" + data.length
            + " bytes that no image reader recognises)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w > maxSide || h > maxSide || (long) w * h > maxPixels) {
          throw ApiException.badRequest(field, field + " is " + w + "x" + h + "; this server accepts images up to "
              + maxSide + " pixels a side and " + maxPixels + " pixels in all");
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw ApiException.badRequest(field, field + " could not be decoded as an image: " + e.getMessage());
    }
  }
}
