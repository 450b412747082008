package io.diffuse4j.onnx.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.onnx.Half;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code .safetensors} file (Hugging Face's format: an 8-byte little-endian header length, a
 * JSON header naming each tensor's dtype, shape and byte range, then the raw data). The header is
 * bounded (100 MB, as the reference implementation) and every range checked against the file, so a
 * corrupt or hostile file gives an {@link InvalidModelException} naming it, never code execution
 * or an out-of-memory error. Pickled PyTorch files ({@code .ckpt}, {@code .pt}, {@code .pth},
 * {@code .bin}) are refused: unpickling runs arbitrary code from the file.
 *
 * <pre>{@code
 * SafetensorsFile f = SafetensorsFile.open(Path.of("ink.safetensors"));
 * for (String name : f.tensors().keySet()) {
 *   float[] values = f.readFloats(name);
 * }
 * }</pre>
 *
 * <p>Thread-safe: the header is immutable and every read opens its own channel.
 */
public final class SafetensorsFile {

  /** The reference implementation's header limit. */
  public static final long MAX_HEADER = 100_000_000L;

  /**
   * One tensor's entry in the header.
   *
   * @param name the key
   * @param dtype {@code F32}, {@code F16}, {@code BF16}, {@code F64}, {@code I64}...
   * @param shape the shape
   * @param begin the first byte, relative to the data section
   * @param end one past the last byte, relative to the data section
   */
  public record Entry(String name, String dtype, long[] shape, long begin, long end) {

    /** The number of elements. */
    public long elementCount() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    /** The shape as ints. */
    public int[] intShape() {
      int[] s = new int[shape.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = Math.toIntExact(shape[i]);
      }
      return s;
    }
  }

  private final Path file;
  private final long dataStart;
  private final Map<String, Entry> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(Path file, long dataStart, Map<String, Entry> tensors, Map<String, String> metadata) {
    this.file = file;
    this.dataStart = dataStart;
    this.tensors = Collections.unmodifiableMap(tensors);
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  /**
   * Reads and checks the header of {@code file}.
   *
   * @throws InvalidModelException naming the file: missing, a pickle, or not a valid safetensors file
   */
  public static SafetensorsFile open(Path file) {
    refusePickles(file);
    if (!Files.isRegularFile(file)) {
      throw invalid(file, "the file does not exist");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw invalid(file, "the file has " + size + " bytes, too few for a safetensors header");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > size - 8) {
        throw invalid(file, "its header length is " + Long.toUnsignedString(headerLen)
            + " bytes (file size " + size + ", limit " + MAX_HEADER + "): not a safetensors file, or truncated");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8);
      JsonNode root;
      try {
        root = new ObjectMapper().readTree(header.array());
      } catch (IOException e) {
        throw invalid(file, "its header is not JSON (" + e.getMessage().lines().findFirst().orElse("")
            + "): not a safetensors file");
      }
      if (root == null || !root.isObject()) {
        throw invalid(file, "its header is not a JSON object: not a safetensors file");
      }
      long dataStart = 8 + headerLen;
      long dataSize = size - dataStart;
      Map<String, Entry> tensors = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        tensors.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataSize));
      }
      return new SafetensorsFile(file, dataStart, tensors, metadata);
    } catch (IOException e) {
      throw invalid(file, "could not be read: " + e.getMessage());
    }
  }

  private static Entry entry(Path file, String name, JsonNode n, long dataSize) {
    String dtype = n.path("dtype").asText("");
    JsonNode shape = n.path("shape");
    JsonNode off = n.path("data_offsets");
    if (dtype.isEmpty() || !shape.isArray() || !off.isArray() || off.size() != 2) {
      throw invalid(file, "header entry \"" + name + "\" lacks dtype, shape or data_offsets");
    }
    long[] s = new long[shape.size()];
    long count = 1;
    for (int i = 0; i < s.length; i++) {
      s[i] = shape.get(i).asLong(-1);
      if (s[i] < 0) {
        throw invalid(file, "tensor \"" + name + "\" has a negative or non-numeric shape " + shape);
      }
      count = Math.multiplyExact(count, s[i]);
    }
    long begin = off.get(0).asLong(-1);
    long end = off.get(1).asLong(-1);
    int width = width(dtype);
    if (begin < 0 || end < begin || end > dataSize) {
      throw invalid(file, "tensor \"" + name + "\" claims bytes " + begin + ".." + end
          + " of a data section of " + dataSize + " bytes: the file is truncated or corrupt");
    }
    if (width > 0 && end - begin != count * width) {
      throw invalid(file, "tensor \"" + name + "\" (" + dtype + " " + shape + ") should hold "
          + count * width + " bytes but its offsets give " + (end - begin));
    }
    return new Entry(name, dtype, s, begin, end);
  }

  private static int width(String dtype) {
    return switch (dtype) {
      case "F64", "I64", "U64" -> 8;
      case "F32", "I32", "U32" -> 4;
      case "F16", "BF16", "I16", "U16" -> 2;
      case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
      default -> -1;
    };
  }

  /**
   * Refuses PyTorch pickles by name and by content, explaining why.
   *
   * @throws InvalidModelException for {@code .ckpt}/{@code .pt}/{@code .pth}/{@code .bin} files or pickled content
   */
  public static void refusePickles(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean byName = n.endsWith(".ckpt") || n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".bin")
        || n.endsWith(".pkl");
    boolean byContent = false;
    if (!byName && Files.isRegularFile(file)) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        ByteBuffer b = ByteBuffer.allocate(4);
        ch.read(b, 0);
        byte[] a = b.array();
        // a pickle starts with PROTO (0x80) and a version; torch.save writes a zip (PK\3\4) around one
        byContent = ((a[0] & 0xff) == 0x80 && a[1] >= 2 && a[1] <= 5) || (a[0] == 'P' && a[1] == 'K' && a[2] == 3);
      } catch (IOException e) {
        byContent = false;
      }
    }
    if (byName || byContent) {
      throw invalid(file, "this is a pickled PyTorch file (.ckpt/.pt/.bin): loading one runs any"
          + " code its author put in it, so diffuse4j does not read them. Use the .safetensors version of the file"
          + " (most LoRAs and embeddings are published as one), or convert it once in a trusted Python environment"
          + " with safetensors.torch.save_file.");
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int r = ch.read(b, pos);
      if (r < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += r;
    }
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** The tensors by name, in header order. */
  public Map<String, Entry> tensors() {
    return tensors;
  }

  /** The {@code __metadata__} strings (kohya's ss_network_alpha, ss_base_model_version...). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The entry of this name, or null. */
  public Entry entry(String name) {
    return tensors.get(name);
  }

  /**
   * Reads a floating tensor as float32 (F32, F16, BF16 and F64 are converted).
   *
   * @throws InvalidModelException naming the tensor when it is missing or not floating point
   */
  public float[] readFloats(String name) {
    Entry e = tensors.get(name);
    if (e == null) {
      throw invalid(file, "has no tensor \"" + name + "\"");
    }
    int width = width(e.dtype());
    if (!e.dtype().startsWith("F") && !e.dtype().equals("BF16") || width < 2) {
      throw invalid(file, "tensor \"" + name + "\" is " + e.dtype() + ", expected F32, F16, BF16 or F64");
    }
    int n = Math.toIntExact(e.elementCount());
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      readFully(ch, b, dataStart + e.begin());
    } catch (IOException ex) {
      throw invalid(file, "could not read tensor \"" + name + "\": " + ex.getMessage());
    }
    b.flip();
    float[] out = new float[n];
    switch (e.dtype()) {
      case "F32" -> b.asFloatBuffer().get(out);
      case "F64" -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) b.getDouble();
        }
      }
      case "F16" -> {
        for (int i = 0; i < n; i++) {
          out[i] = Half.toFloat(b.getShort());
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          out[i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
        }
      }
    }
    return out;
  }

  private static InvalidModelException invalid(java.nio.file.Path file, String message) {
    return new InvalidModelException(file, file + ": " + message);
  }
}
