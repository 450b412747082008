package io.diffuse4j.onnx;

import io.diffuse4j.api.pipeline.InvalidModelException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks an ONNX model file as untrusted input before ONNX Runtime reads it: not empty, and every
 * tensor whose bytes are stored outside the file ({@code TensorProto.external_data}) names a
 * file <em>inside the model's folder</em> (a relative path without {@code ..} that stays inside the
 * folder after resolving symbolic links), which exists and is large enough for the offset and
 * length the model gives. Without this, a model could make ONNX Runtime read any file the user can
 * read ({@code location: ../../home/user/.ssh/id_rsa}).
 *
 * <p>It walks the protobuf wire format itself ({@code onnx.proto}: ModelProto.graph = 7;
 * GraphProto.node = 1, initializer = 5, sparse_initializer = 15; NodeProto.attribute = 5;
 * AttributeProto.t = 5, g = 6, tensors = 10, graphs = 11, sparse_tensor = 22, sparse_tensors = 23;
 * SparseTensorProto.values = 1, indices = 2; TensorProto.name = 8, external_data = 13;
 * StringStringEntryProto.key = 1, value = 2), streaming and skipping weights, so a 2 GB model is
 * checked reading only its structure. Stateless and thread-safe.
 *
 * <pre>{@code
 * ModelFileCheck.Result r = ModelFileCheck.check(Path.of("unet/model.onnx"), "unet");
 * r.externalFiles(); // the data files the model uses, all inside unet/
 * }</pre>
 */
public final class ModelFileCheck {

  /** Deepest nesting of subgraphs followed (If/Loop bodies); deeper is refused. */
  private static final int MAX_DEPTH = 64;
  /** Largest length of one structure field (a node, a tensor header); weights are skipped, not read. */
  private static final long MAX_STRING = 1 << 20;

  private ModelFileCheck() {}

  /**
   * What the check found.
   *
   * @param externalFiles the external data files, resolved, without duplicates
   * @param tensorsWithExternalData how many tensors keep their bytes outside the model file
   */
  public record Result(List<Path> externalFiles, int tensorsWithExternalData) {
    /** Copies the list. */
    public Result {
      externalFiles = List.copyOf(externalFiles);
    }
  }

  /**
   * Checks {@code file} (the {@code part}, e.g. "unet", for messages).
   *
   * @throws InvalidModelException naming the file, the tensor and the location refused
   */
  public static Result check(Path file, String part) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new InvalidModelException(file, "Cannot read the " + part + " model " + file + ": " + e.getMessage(), e);
    }
    if (size == 0) {
      throw new InvalidModelException(file, "The " + part + " model " + file + " is empty (0 bytes): the download"
          + " or export did not finish. Re-export or re-download it.");
    }
    Path folder = file.toAbsolutePath().normalize().getParent();
    Walk walk = new Walk(file, part, folder);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      walk.message(new Reader(in), size, 0, Kind.MODEL);
    } catch (EOFException e) {
      throw new InvalidModelException(file, "The " + part + " model " + file + " is not a valid ONNX model or is"
          + " truncated (its " + size + " bytes end inside a field). Re-export or re-download it.", e);
    } catch (IOException e) {
      throw new InvalidModelException(file, "Cannot read the " + part + " model " + file + ": " + e.getMessage(), e);
    }
    return new Result(walk.files, walk.tensors);
  }

  private enum Kind { MODEL, GRAPH, NODE, ATTRIBUTE, TENSOR, SPARSE, ENTRY }

  /** A counting reader of the protobuf wire format. */
  private static final class Reader {
    private final InputStream in;
    private long pos;

    Reader(InputStream in) {
      this.in = in;
    }

    int read() throws IOException {
      int b = in.read();
      if (b < 0) {
        throw new EOFException();
      }
      pos++;
      return b;
    }

    long varint() throws IOException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = read();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new IOException("malformed varint at byte " + pos);
    }

    void skip(long n) throws IOException {
      while (n > 0) {
        long s = in.skip(n);
        if (s <= 0) {
          read(); // skip may stop early; read tells end of file from a pause
          n--;
        } else {
          pos += s;
          n -= s;
        }
      }
    }

    byte[] bytes(int n) throws IOException {
      byte[] b = in.readNBytes(n);
      if (b.length < n) {
        throw new EOFException();
      }
      pos += n;
      return b;
    }
  }

  /** The state of one check. */
  private static final class Walk {
    final Path file;
    final String part;
    final Path folder;
    final List<Path> files = new ArrayList<>();
    int tensors;
    private String tensorName;
    private String key;
    private String value;
    private String location;
    private long offset;
    private long length = -1;

    Walk(Path file, String part, Path folder) {
      this.file = file;
      this.part = part;
      this.folder = folder;
    }

    InvalidModelException invalid(String why) {
      return new InvalidModelException(file, "The " + part + " model " + file
          + " is not a valid ONNX model or is truncated ("
          + why + "). Re-export or re-download it.");
    }

    /** Reads fields until {@code end} (absolute position), descending into those that may hold tensors. */
    void message(Reader r, long end, int depth, Kind kind) throws IOException {
      if (depth > MAX_DEPTH) {
        throw invalid("subgraphs nested more than " + MAX_DEPTH + " deep");
      }
      while (r.pos < end) {
        long tag = r.varint();
        int field = (int) (tag >>> 3);
        int wire = (int) (tag & 7);
        switch (wire) {
          case 0 -> r.varint();
          case 1 -> r.skip(8);
          case 5 -> r.skip(4);
          case 2 -> {
            long len = r.varint();
            if (len < 0 || r.pos + len > end) {
              throw new EOFException();
            }
            Kind child = child(kind, field);
            if (child == null) {
              if (kind == Kind.TENSOR && field == 8 || kind == Kind.ENTRY) {
                if (len > MAX_STRING) {
                  throw invalid("a name of " + len + " bytes");
                }
                String s = new String(r.bytes((int) len), StandardCharsets.UTF_8);
                if (kind == Kind.TENSOR) {
                  tensorName = s;
                } else if (field == 1) {
                  key = s;
                } else if (field == 2) {
                  value = s;
                }
              } else {
                r.skip(len);
              }
            } else if (child == Kind.TENSOR) {
              tensor(r, r.pos + len, depth);
            } else if (child == Kind.ENTRY) {
              key = null;
              value = null;
              message(r, r.pos + len, depth + 1, Kind.ENTRY);
              entry();
            } else {
              message(r, r.pos + len, depth + 1, child);
            }
          }
          default -> throw invalid("wire type " + wire + " at byte " + r.pos);
        }
      }
      if (r.pos != end) {
        throw invalid("a field runs past its message at byte " + r.pos);
      }
    }

    private void tensor(Reader r, long end, int depth) throws IOException {
      String outerName = tensorName;
      String outerLocation = location;
      tensorName = "";
      location = null;
      offset = 0;
      length = -1;
      message(r, end, depth + 1, Kind.TENSOR);
      if (location != null) {
        tensors++;
        checkLocation(tensorName, location, offset, length);
      }
      tensorName = outerName;
      location = outerLocation;
    }

    private void entry() {
      if (key == null) {
        return;
      }
      switch (key) {
        case "location" -> location = value == null ? "" : value;
        case "offset" -> offset = number("offset");
        case "length" -> length = number("length");
        default -> { }
      }
    }

    private long number(String what) {
      try {
        long v = Long.parseLong(value == null ? "" : value.trim());
        if (v < 0) {
          throw new NumberFormatException();
        }
        return v;
      } catch (NumberFormatException e) {
        throw invalid("tensor '" + tensorName + "' has external data " + what + " '" + value + "'");
      }
    }

    private void checkLocation(String tensor, String loc, long off, long len) {
      String where = "tensor '" + tensor + "' keeps its data in '" + loc + "'";
      Path rel;
      try {
        rel = Path.of(loc);
      } catch (RuntimeException e) {
        throw refused(where, "not a valid path");
      }
      if (loc.isEmpty() || rel.isAbsolute() || loc.startsWith("/") || loc.startsWith("\\") || loc.contains(":")) {
        throw refused(where, "an absolute path");
      }
      for (Path p : rel) {
        if (p.toString().equals("..")) {
          throw refused(where, "a path that climbs out of the folder");
        }
      }
      Path target = folder.resolve(rel).normalize();
      if (!target.startsWith(folder)) {
        throw refused(where, "outside the folder");
      }
      try {
        Path real = target.toRealPath();
        if (!real.startsWith(folder.toRealPath())) {
          throw refused(where, "a symbolic link to " + real + ", outside the folder");
        }
        if (!Files.isRegularFile(real)) {
          throw new InvalidModelException(file, "The " + part + " model " + file + ": " + where + ", which is not a"
              + " regular file. Re-export the model.");
        }
        long size = Files.size(real);
        if (off + Math.max(0, len) > size) {
          throw new InvalidModelException(target, "The " + part + " model " + file + ": " + where + " at offset " + off
              + ", length " + len + ", but " + target + " has only " + size + " bytes (truncated). Re-export or"
              + " re-download it.");
        }
      } catch (java.nio.file.NoSuchFileException e) {
        throw new InvalidModelException(target, "The " + part + " model " + file + ": " + where + ", which does not"
            + " exist (" + target + "). Copy the model's data files next to model.onnx.");
      } catch (IOException e) {
        throw new InvalidModelException(target, "The " + part + " model " + file + ": " + where + ", which cannot"
            + " be read: " + e.getMessage());
      }
      if (!files.contains(target)) {
        files.add(target);
      }
    }

    private InvalidModelException refused(String where, String why) {
      return new InvalidModelException(file, "Refusing the " + part + " model " + file + ": " + where + ", " + why
          + ". External data must be a file inside the model's folder " + folder + ".");
    }

    /** The message kind of field {@code field} of a {@code kind}, or null when it holds no tensors. */
    private static Kind child(Kind kind, int field) {
      return switch (kind) {
        case MODEL -> field == 7 ? Kind.GRAPH : null;
        case GRAPH -> field == 1 ? Kind.NODE : field == 5 ? Kind.TENSOR : field == 15 ? Kind.SPARSE : null;
        case NODE -> field == 5 ? Kind.ATTRIBUTE : null;
        case ATTRIBUTE -> switch (field) {
          case 5, 10 -> Kind.TENSOR;
          case 6, 11 -> Kind.GRAPH;
          case 22, 23 -> Kind.SPARSE;
          default -> null;
        };
        case SPARSE -> field == 1 || field == 2 ? Kind.TENSOR : null;
        case TENSOR -> field == 13 ? Kind.ENTRY : null;
        case ENTRY -> null;
      };
    }
  }
}
