package io.diffuse4j.pipelines.image;

import io.diffuse4j.api.pipeline.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Node;

/**
 * Reads init images and masks as untrusted input: the header is read first and an image larger
 * than {@link #DEFAULT_MAX_PIXELS} (or the given limit) is refused <em>before</em> any pixel is
 * decoded (a 1 MB PNG can claim 20000 x 20000 pixels, 1.6 GB decoded); CMYK and YCCK JPEGs, which
 * Java's decoder does not convert, are converted to RGB here; grey, grey+alpha, 16-bit and palette
 * images keep their sRGB values ({@link Images#toRgb}). Failures name the file and the
 * request field. Stateless and thread-safe.
 *
 * <pre>{@code
 * BufferedImage init = ImageFiles.read(Path.of("photo.jpg"), "initImage");
 * }</pre>
 */
public final class ImageFiles {

  /** 50 megapixels (e.g. 8192 x 6144): about 200 MB as RGB ints. */
  public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

  private ImageFiles() {}

  /** Reads {@code file} with the default pixel limit; {@code field} names the request field in errors. */
  public static BufferedImage read(Path file, String field) {
    return read(file, field, DEFAULT_MAX_PIXELS);
  }

  /**
   * Reads {@code file}, refusing images of more than {@code maxPixels} pixels before decoding them.
   *
   * @throws InvalidRequestException (for {@code field}) naming the file and the problem
   */
  public static BufferedImage read(Path file, String field, long maxPixels) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidRequestException(field, "The " + field + " " + file + " does not exist or is not a file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), field, maxPixels);
    } catch (IOException e) {
      throw new InvalidRequestException(field, "The " + field + " " + file + " could not be read: " + e.getMessage(), e);
    }
  }

  /** Reads encoded image bytes; {@code name} says where they came from in errors. */
  public static BufferedImage read(byte[] data, String name, String field, long maxPixels) {
    try {
      return read(new ByteArrayInputStream(data), name, field, maxPixels);
    } catch (IOException e) {
      throw new InvalidRequestException(field, "The " + field + " " + name + " could not be read: " + e.getMessage(), e);
    }
  }

  private static BufferedImage read(InputStream in, String name, String field, long maxPixels) throws IOException {
    try (ImageInputStream iis = ImageIO.createImageInputStream(in)) {
      Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
      if (readers == null || !readers.hasNext()) {
        throw new InvalidRequestException(field, "The " + field + " " + name
            + " is not an image this program reads (PNG, JPEG, BMP, GIF, WBMP)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(iis, true, true);
        int w;
        int h;
        try {
          w = reader.getWidth(0);
          h = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
          throw new InvalidRequestException(field, "The " + field + " " + name + " is not a valid "
              + reader.getFormatName().toUpperCase(Locale.ROOT) + " image: " + e.getMessage(), e);
        }
        if (w <= 0 || h <= 0 || (long) w * h > maxPixels) {
          throw new InvalidRequestException(field, "The " + field + " " + name + " claims " + w + " x " + h
              + " pixels (" + ((long) w * h) + "), more than the " + maxPixels + " accepted; it was not decoded."
              + " Scale it down first.");
        }
        try {
          return decode(reader, name, field);
        } catch (IOException | RuntimeException e) {
          if (e instanceof InvalidRequestException ire) {
            throw ire;
          }
          throw new InvalidRequestException(field, "The " + field + " " + name + " could not be decoded ("
              + reader.getFormatName().toUpperCase(Locale.ROOT) + ", " + w + " x " + h + "): " + e.getMessage(), e);
        }
      } finally {
        reader.dispose();
      }
    }
  }

  private static BufferedImage decode(ImageReader reader, String name, String field) throws IOException {
    if ("jpeg".equalsIgnoreCase(reader.getFormatName())) {
      IIOMetadata meta = reader.getImageMetadata(0);
      int adobeTransform = adobeTransform(meta);
      Raster raw = null;
      if (adobeTransform >= 0 || fourChannels(meta)) {
        raw = reader.readRaster(0, null);
      }
      if (raw != null && raw.getNumBands() == 4) {
        return cmykToRgb(raw, adobeTransform);
      }
    }
    BufferedImage img = reader.read(0);
    if (img == null) {
      throw new InvalidRequestException(field, "The " + field + " " + name + " has no image");
    }
    return img;
  }

  /** The Adobe APP14 transform (0 CMYK, 1 YCbCr, 2 YCCK), or -1 without that marker. */
  private static int adobeTransform(IIOMetadata meta) {
    Node n = find(meta.getAsTree("javax_imageio_jpeg_image_1.0"), "app14Adobe");
    if (n == null) {
      return -1;
    }
    Node t = n.getAttributes().getNamedItem("transform");
    return t == null ? 0 : Integer.parseInt(t.getNodeValue());
  }

  private static boolean fourChannels(IIOMetadata meta) {
    Node sof = find(meta.getAsTree("javax_imageio_jpeg_image_1.0"), "sof");
    Node n = sof == null ? null : sof.getAttributes().getNamedItem("numFrameComponents");
    return n != null && "4".equals(n.getNodeValue());
  }

  private static Node find(Node node, String name) {
    if (name.equals(node.getNodeName())) {
      return node;
    }
    for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
      Node f = find(c, name);
      if (f != null) {
        return f;
      }
    }
    return null;
  }

  /**
   * Four-channel JPEG samples to RGB. Adobe-marked files store inverted CMYK (255 = no ink), as
   * Photoshop and Pillow write them; YCCK is YCbCr of the inverted CMY plus K.
   */
  private static BufferedImage cmykToRgb(Raster raw, int adobeTransform) {
    int w = raw.getWidth();
    int h = raw.getHeight();
    boolean inverted = adobeTransform >= 0;
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] px = new int[4];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raw.getPixel(x + raw.getMinX(), y + raw.getMinY(), px);
        double c;
        double m;
        double ye;
        if (adobeTransform == 2) {
          double yy = px[0];
          double cb = px[1] - 128.0;
          double cr = px[2] - 128.0;
          // JFIF YCbCr -> RGB gives the (inverted) C, M, Y samples
          c = clamp(yy + 1.402 * cr);
          m = clamp(yy - 0.344136 * cb - 0.714136 * cr);
          ye = clamp(yy + 1.772 * cb);
        } else {
          c = px[0];
          m = px[1];
          ye = px[2];
        }
        double k = px[3];
        if (!inverted) {
          c = 255 - c;
          m = 255 - m;
          ye = 255 - ye;
          k = 255 - k;
        }
        // inverted samples: ink-free fraction; RGB = 255 * (1 - C)(1 - K)
        int r = (int) Math.round(c * k / 255.0);
        int g = (int) Math.round(m * k / 255.0);
        int b = (int) Math.round(ye * k / 255.0);
        row[x] = (r << 16) | (g << 8) | b;
      }
      out.setRGB(0, y, w, 1, row, 0, w);
    }
    return out;
  }

  private static double clamp(double v) {
    return v < 0 ? 0 : v > 255 ? 255 : v;
  }
}
