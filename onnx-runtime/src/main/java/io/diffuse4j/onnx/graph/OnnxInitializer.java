package io.diffuse4j.onnx.graph;

import io.diffuse4j.onnx.Half;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A weight stored in an ONNX model ({@code GraphProto.initializer}): its name, element type and
 * shape, and where its bytes are: in the model file itself ({@code raw_data}), in a file next to
 * it ({@code external_data}: location, offset, length), or as typed values in the proto.
 *
 * @param name the initializer's name
 * @param dataType ONNX {@code TensorProto.DataType} (1 float, 10 float16, 11 double, 16 bfloat16...)
 * @param dims the shape
 * @param file the file holding the bytes ({@code raw_data}: the model file; external: the data
 *     file resolved against the model's folder); null when the values are typed fields in the proto
 * @param offset the bytes' offset in {@code file}
 * @param length the number of bytes in {@code file}, -1 when unknown (external data to the end)
 * @param externalLocation the {@code external_data} location as written in the model, or null
 * @param typedFloats the values when the proto held {@code float_data} (or null)
 */
public record OnnxInitializer(String name, int dataType, long[] dims, Path file, long offset, long length,
    String externalLocation, float[] typedFloats) {

  /** ONNX float32. */
  public static final int FLOAT = 1;
  /** ONNX float16. */
  public static final int FLOAT16 = 10;
  /** ONNX double. */
  public static final int DOUBLE = 11;
  /** ONNX bfloat16. */
  public static final int BFLOAT16 = 16;

  /** The number of elements. */
  public long elementCount() {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  /** Whether the bytes live in a separate file ({@code external_data}). */
  public boolean external() {
    return externalLocation != null;
  }

  /** Whether the element type is one {@link #readFloats()} converts (float, float16, bfloat16, double). */
  public boolean floating() {
    return dataType == FLOAT || dataType == FLOAT16 || dataType == DOUBLE || dataType == BFLOAT16;
  }

  /** The shape as ints. */
  public int[] shape() {
    int[] s = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      s[i] = Math.toIntExact(dims[i]);
    }
    return s;
  }

  /**
   * Reads the values as float32.
   *
   * @throws IllegalStateException naming the initializer when it is not a floating type or its
   *     bytes are missing or short
   */
  public float[] readFloats() {
    if (typedFloats != null) {
      return typedFloats.clone();
    }
    if (!floating()) {
      throw new IllegalStateException("initializer " + name + " has ONNX data type " + dataType + ", not a float type");
    }
    int n = Math.toIntExact(elementCount());
    int width = dataType == FLOAT ? 4 : dataType == DOUBLE ? 8 : 2;
    long bytes = (long) n * width;
    if (file == null) {
      throw new IllegalStateException("initializer " + name + " has no data in the model");
    }
    if (length >= 0 && length != bytes) {
      throw new IllegalStateException("initializer " + name + " of shape " + Arrays.toString(dims) + " should hold "
          + bytes + " bytes but " + file + " gives " + length);
    }
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (offset + bytes > ch.size()) {
        throw new IllegalStateException("initializer " + name + " needs bytes " + offset + ".." + (offset + bytes)
            + " of " + file + ", which has " + ch.size() + ": the file is truncated");
      }
      long pos = offset;
      while (buf.hasRemaining()) {
        int r = ch.read(buf, pos);
        if (r < 0) {
          throw new IllegalStateException("unexpected end of " + file + " reading initializer " + name);
        }
        pos += r;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read initializer " + name + " from " + file + ": " + e.getMessage(), e);
    }
    buf.flip();
    float[] out = new float[n];
    switch (dataType) {
      case FLOAT -> buf.asFloatBuffer().get(out);
      case DOUBLE -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) buf.getDouble();
        }
      }
      case FLOAT16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = Half.toFloat(buf.getShort());
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          out[i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return name + Arrays.toString(dims) + " type " + dataType;
  }
}
