package io.diffuse4j.samples.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.InflaterInputStream;

/**
 * Reads the text chunks ({@code tEXt}, {@code zTXt}, {@code iTXt}) of PNG bytes, as image tools
 * store generation parameters in them. Stateless and thread-safe.
 */
final class PngText {

  private static final long SIGNATURE = 0x89504E470D0A1A0AL;

  private PngText() {}

  /** Keyword to text, in file order; a later chunk with the same keyword wins. */
  static Map<String, String> read(byte[] png) {
    Map<String, String> out = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(png))) {
      if (png.length < 8 || in.readLong() != SIGNATURE) {
        throw ApiException.badRequest("image", "image is not a PNG (its first bytes are not the PNG signature)");
      }
      while (in.available() >= 12) {
        int len = in.readInt();
        byte[] type = new byte[4];
        in.readFully(type);
        if (len < 0 || len > in.available()) {
          break;
        }
        byte[] data = new byte[len];
        in.readFully(data);
        in.readInt(); // CRC
        String t = new String(type, StandardCharsets.US_ASCII);
        switch (t) {
          case "tEXt" -> {
            int z = indexOf(data, 0, 0);
            if (z > 0) {
              out.put(latin1(data, 0, z), latin1(data, z + 1, data.length));
            }
          }
          case "zTXt" -> {
            int z = indexOf(data, 0, 0);
            if (z > 0 && z + 2 <= data.length) {
              out.put(latin1(data, 0, z), new String(inflate(data, z + 2), StandardCharsets.ISO_8859_1));
            }
          }
          case "iTXt" -> {
            int z = indexOf(data, 0, 0);
            if (z > 0 && z + 3 <= data.length) {
              boolean compressed = data[z + 1] != 0;
              int lang = indexOf(data, z + 3, 0);
              int trans = lang < 0 ? -1 : indexOf(data, lang + 1, 0);
              if (trans >= 0) {
                byte[] text = compressed ? inflate(data, trans + 1)
                    : java.util.Arrays.copyOfRange(data, trans + 1, data.length);
                out.put(latin1(data, 0, z), new String(text, StandardCharsets.UTF_8));
              }
            }
          }
          case "IEND" -> {
            return out;
          }
          default -> { }
        }
      }
    } catch (IOException e) {
      throw ApiException.badRequest("image", "image is a truncated or damaged PNG: " + e.getMessage());
    }
    return out;
  }

  private static int indexOf(byte[] d, int from, int b) {
    for (int i = from; i < d.length; i++) {
      if (d[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static String latin1(byte[] d, int from, int to) {
    return new String(d, from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static byte[] inflate(byte[] d, int from) throws IOException {
    try (InputStream in = new InflaterInputStream(new java.io.ByteArrayInputStream(d, from, d.length - from))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        if (out.size() > (4 << 20)) {
          throw new IOException("a compressed text chunk inflates to more than 4 MB");
        }
      }
      return out.toByteArray();
    }
  }
}
