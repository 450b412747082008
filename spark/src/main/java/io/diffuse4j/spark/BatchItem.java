package io.diffuse4j.spark;

import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;

/**
 * One input row of a batch, read from a Spark {@link Row} whose columns are named as in
 * {@link BatchSchema}. Absent or null columns mean "the model's default".
 *
 * <p>Its {@link #key()} is derived from the id and a hash of every parameter that shapes the image,
 * so a retried or speculative task writes the same key, and a changed row gets a new one.
 * Immutable and thread-safe.
 *
 * @param id the caller's id (any text; used, made file-name safe, as the key's prefix)
 * @param prompt the prompt (required)
 * @param negativePrompt the negative prompt, or null
 * @param seed the seed, or null (then {@link #effectiveSeed()} derives one from the id)
 * @param steps denoising steps, or null
 * @param guidance classifier-free guidance scale, or null
 * @param width image width in pixels, or null
 * @param height image height in pixels, or null
 * @param scheduler scheduler name, or null
 * @param strength img2img / inpainting strength, or null
 * @param initImage encoded init image (PNG/JPEG bytes), or null
 * @param mask encoded inpainting mask, or null
 */
public record BatchItem(String id, String prompt, String negativePrompt, Long seed, Integer steps, Double guidance,
    Integer width, Integer height, String scheduler, Double strength, byte[] initImage, byte[] mask)
    implements Serializable {

  /** Reads a row by column name; columns the row's schema lacks read as null. */
  public static BatchItem from(Row row) {
    return new BatchItem(text(row, BatchSchema.ID), text(row, BatchSchema.PROMPT),
        text(row, BatchSchema.NEGATIVE_PROMPT), number(row, BatchSchema.SEED, Long.class),
        number(row, BatchSchema.STEPS, Integer.class), number(row, BatchSchema.GUIDANCE, Double.class),
        number(row, BatchSchema.WIDTH, Integer.class), number(row, BatchSchema.HEIGHT, Integer.class),
        text(row, BatchSchema.SCHEDULER), number(row, BatchSchema.STRENGTH, Double.class),
        bytes(row, BatchSchema.INIT_IMAGE), bytes(row, BatchSchema.MASK));
  }

  /**
   * The key of a raw row: {@link #key()} of its item, or, for a row whose values cannot be read
   * (so that it can still be recorded with its error), the id and a hash of the row's text.
   */
  public static String keyOf(Row row) {
    try {
      return from(row).key();
    } catch (InvalidRequestException e) {
      String id = text(row, BatchSchema.ID);
      return new BatchItem(id, row.toString(), null, null, null, null, null, null, null, null, null, null).key();
    }
  }

  /**
   * The output key: the id made safe for a file name, a dash and 16 hex digits of a SHA-256 over
   * the id, every parameter and the init image and mask bytes. Equal rows give equal keys.
   */
  public String key() {
    String safeId = id == null ? "row" : id.replaceAll("[^A-Za-z0-9._-]", "_");
    if (safeId.length() > 64) {
      safeId = safeId.substring(0, 64);
    }
    return safeId + "-" + HexFormat.of().formatHex(digest()).substring(0, 16);
  }

  /** The seed given, or one derived from the id so that reruns and retries draw the same image. */
  public long effectiveSeed() {
    if (seed != null) {
      return seed;
    }
    byte[] h = sha256().digest(("seed:" + id).getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(h).getLong() & 0x7fffffffffffffffL;
  }

  /**
   * The pipeline request for this row.
   *
   * @throws InvalidRequestException naming the column when a value cannot be used
   */
  public GenerationRequest toRequest() {
    if (id == null || id.isBlank()) {
      throw new InvalidRequestException(BatchSchema.ID, "column '" + BatchSchema.ID + "' is missing or empty");
    }
    if (prompt == null) {
      throw new InvalidRequestException(BatchSchema.PROMPT, "column '" + BatchSchema.PROMPT + "' is missing");
    }
    GenerationRequest.Builder b = GenerationRequest.builder(prompt).seed(effectiveSeed());
    if (negativePrompt != null) {
      b.negativePrompt(negativePrompt);
    }
    if (steps != null) {
      b.steps(steps);
    }
    if (guidance != null) {
      b.guidanceScale(guidance);
    }
    if (width != null) {
      b.width(width);
    }
    if (height != null) {
      b.height(height);
    }
    if (scheduler != null && !scheduler.isBlank()) {
      b.scheduler(scheduler);
    }
    if (strength != null) {
      b.strength(strength);
    }
    if (initImage != null) {
      b.initImage(decode(initImage, BatchSchema.INIT_IMAGE));
    }
    if (mask != null) {
      b.mask(decode(mask, BatchSchema.MASK));
    }
    return b.build();
  }

  private byte[] digest() {
    MessageDigest md = sha256();
    String params = String.join("\u0000", String.valueOf(id), String.valueOf(prompt), String.valueOf(negativePrompt),
        String.valueOf(seed), String.valueOf(steps), String.valueOf(guidance), String.valueOf(width),
        String.valueOf(height), String.valueOf(scheduler), String.valueOf(strength));
    md.update(params.getBytes(StandardCharsets.UTF_8));
    md.update((byte) (initImage == null ? 0 : 1));
    if (initImage != null) {
      md.update(initImage);
    }
    md.update((byte) (mask == null ? 0 : 1));
    if (mask != null) {
      md.update(mask);
    }
    return md.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  private static BufferedImage decode(byte[] data, String column) {
    try {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(data));
      if (img == null) {
        throw new InvalidRequestException(column, "column '" + column + "' holds " + data.length
            + " bytes that are not a PNG, JPEG, GIF or BMP image");
      }
      return img;
    } catch (IOException e) {
      throw new InvalidRequestException(column, "column '" + column + "' could not be decoded: " + e.getMessage(), e);
    }
  }

  private static int index(Row row, String column) {
    try {
      return row.fieldIndex(column);
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  private static String text(Row row, String column) {
    int i = index(row, column);
    return i < 0 || row.isNullAt(i) ? null : row.get(i).toString();
  }

  private static byte[] bytes(Row row, String column) {
    int i = index(row, column);
    if (i < 0 || row.isNullAt(i)) {
      return null;
    }
    Object v = row.get(i);
    if (v instanceof byte[] b) {
      return b;
    }
    throw new InvalidRequestException(column, "column '" + column + "' must be binary (encoded image bytes), got "
        + v.getClass().getSimpleName());
  }

  private static <T extends Number> T number(Row row, String column, Class<T> type) {
    int i = index(row, column);
    if (i < 0 || row.isNullAt(i)) {
      return null;
    }
    Object v = row.get(i);
    Number n;
    if (v instanceof Number num) {
      n = num;
    } else {
      String s = v.toString().trim();
      if (s.isEmpty()) {
        return null;
      }
      try {
        n = type == Double.class ? (Number) Double.valueOf(s) : (Number) Long.valueOf(s);
      } catch (NumberFormatException e) {
        throw new InvalidRequestException(column, "column '" + column + "' must be a number, got '" + s + "'");
      }
    }
    if (type == Double.class) {
      return type.cast(n.doubleValue());
    }
    if (type == Integer.class) {
      long l = n.longValue();
      if (l != n.doubleValue() || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
        throw new InvalidRequestException(column, "column '" + column + "' must be a whole number, got " + v);
      }
      return type.cast((int) l);
    }
    if (n.longValue() != n.doubleValue()) {
      throw new InvalidRequestException(column, "column '" + column + "' must be a whole number, got " + v);
    }
    return type.cast(n.longValue());
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "BatchItem[id=%s, key=%s]", id, key());
  }
}
