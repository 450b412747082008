package io.diffuse4j.onnx.graph;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.diffuse4j.api.pipeline.InvalidModelException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The structure of an ONNX model file read with protobuf's wire-format reader: the main graph's
 * nodes (name, operator, inputs, outputs, integer attributes) and initializers (name, type, shape
 * and where their bytes are), without loading any weight. Parses only the {@code ModelProto}
 * fields it needs ({@code onnx.proto}: ModelProto.graph = 7; GraphProto.node = 1, initializer = 5;
 * NodeProto.input = 1, output = 2, name = 3, op_type = 4, attribute = 5; TensorProto.dims = 1,
 * data_type = 2, float_data = 4, name = 8, raw_data = 9, external_data = 13) and skips the rest,
 * streaming, so a 2 GB model is read with a few megabytes of memory.
 *
 * <pre>{@code
 * OnnxGraph g = OnnxGraph.read(Path.of("unet/model.onnx"));
 * for (OnnxNode n : g.nodes()) { ... n.modulePath() ... }
 * OnnxInitializer w = g.initializer("conv_in.weight");
 * float[] values = w.readFloats();
 * }</pre>
 *
 * <p>Thread-safe: immutable once read.
 */
public final class OnnxGraph {

  /** Cap on one node's or tensor's header: no real proto field is this large outside raw_data. */
  private static final int MAX_MESSAGE = 64 << 20;

  private final Path file;
  private final List<OnnxNode> nodes;
  private final Map<String, OnnxInitializer> initializers;
  private final Map<String, List<OnnxNode>> consumers;

  private OnnxGraph(Path file, List<OnnxNode> nodes, Map<String, OnnxInitializer> initializers) {
    this.file = file;
    this.nodes = List.copyOf(nodes);
    this.initializers = Collections.unmodifiableMap(initializers);
    Map<String, List<OnnxNode>> c = new HashMap<>();
    for (OnnxNode n : nodes) {
      for (String in : n.inputs()) {
        c.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
    }
    this.consumers = c;
  }

  /**
   * Reads the graph of {@code modelFile}.
   *
   * @throws InvalidModelException naming the file when it is missing or not an ONNX model
   */
  public static OnnxGraph read(Path modelFile) {
    if (!Files.isRegularFile(modelFile)) {
      throw invalid(modelFile, "the ONNX model file does not exist");
    }
    Path dir = modelFile.toAbsolutePath().getParent();
    List<OnnxNode> nodes = new ArrayList<>();
    Map<String, OnnxInitializer> inits = new LinkedHashMap<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(modelFile), 1 << 16)) {
      CodedInputStream cis = CodedInputStream.newInstance(in);
      cis.setSizeLimit(Integer.MAX_VALUE);
      boolean sawGraph = false;
      while (true) {
        int tag = cis.readTag();
        if (tag == 0) {
          break;
        }
        if (WireFormat.getTagFieldNumber(tag) == 7 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int len = cis.readRawVarint32();
          int old = cis.pushLimit(len);
          readGraph(cis, modelFile, dir, nodes, inits);
          cis.popLimit(old);
          sawGraph = true;
        } else if (!cis.skipField(tag)) {
          break;
        }
      }
      if (!sawGraph) {
        throw invalid(modelFile, "the file holds no ONNX graph (ModelProto.graph); is it an ONNX model?");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidModelException ime) {
        throw ime;
      }
      throw invalid(modelFile, "the file is not a readable ONNX model (" + e.getMessage()
          + "); re-export or re-download it");
    }
    return new OnnxGraph(modelFile, nodes, inits);
  }

  private static void readGraph(CodedInputStream cis, Path file, Path dir, List<OnnxNode> nodes,
      Map<String, OnnxInitializer> inits) throws IOException {
    while (!cis.isAtEnd()) {
      int tag = cis.readTag();
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int len = boundedLength(cis, "node");
        int old = cis.pushLimit(len);
        nodes.add(readNode(cis));
        cis.popLimit(old);
      } else if (field == 5 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int len = cis.readRawVarint32();
        int old = cis.pushLimit(len);
        OnnxInitializer t = readTensor(cis, file, dir);
        cis.popLimit(old);
        inits.put(t.name(), t);
      } else {
        cis.skipField(tag);
      }
    }
  }

  private static int boundedLength(CodedInputStream cis, String what) throws IOException {
    int len = cis.readRawVarint32();
    if (len < 0 || len > MAX_MESSAGE) {
      throw new IOException("a " + what + " entry claims " + len + " bytes");
    }
    return len;
  }

  private static OnnxNode readNode(CodedInputStream cis) throws IOException {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String name = "";
    String op = "";
    Map<String, Long> ints = new HashMap<>();
    while (!cis.isAtEnd()) {
      int tag = cis.readTag();
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> inputs.add(cis.readStringRequireUtf8());
        case 2 -> outputs.add(cis.readStringRequireUtf8());
        case 3 -> name = cis.readStringRequireUtf8();
        case 4 -> op = cis.readStringRequireUtf8();
        case 5 -> {
          int len = boundedLength(cis, "attribute");
          int old = cis.pushLimit(len);
          readIntAttribute(cis, ints);
          cis.popLimit(old);
        }
        default -> cis.skipField(tag);
      }
    }
    return new OnnxNode(name, op, inputs, outputs, ints);
  }

  /** AttributeProto: name = 1, i = 3, type = 20 (INT = 2). */
  private static void readIntAttribute(CodedInputStream cis, Map<String, Long> ints) throws IOException {
    String name = null;
    Long value = null;
    int type = 0;
    while (!cis.isAtEnd()) {
      int tag = cis.readTag();
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> name = cis.readStringRequireUtf8();
        case 3 -> value = cis.readInt64();
        case 20 -> type = cis.readEnum();
        default -> cis.skipField(tag);
      }
    }
    if (name != null && value != null && (type == 2 || type == 0)) {
      ints.put(name, value);
    }
  }

  private static OnnxInitializer readTensor(CodedInputStream cis, Path file, Path dir) throws IOException {
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = "";
    long rawOffset = -1;
    long rawLength = -1;
    List<Float> floats = null;
    Map<String, String> external = new HashMap<>();
    int dataLocation = 0;
    while (!cis.isAtEnd()) {
      int tag = cis.readTag();
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      switch (field) {
        case 1 -> {
          if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int old = cis.pushLimit(cis.readRawVarint32());
            while (!cis.isAtEnd()) {
              dims.add(cis.readInt64());
            }
            cis.popLimit(old);
          } else {
            dims.add(cis.readInt64());
          }
        }
        case 2 -> dataType = cis.readInt32();
        case 4 -> {
          floats = floats == null ? new ArrayList<>() : floats;
          if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int old = cis.pushLimit(cis.readRawVarint32());
            while (!cis.isAtEnd()) {
              floats.add(cis.readFloat());
            }
            cis.popLimit(old);
          } else {
            floats.add(cis.readFloat());
          }
        }
        case 8 -> name = cis.readStringRequireUtf8();
        case 9 -> {
          rawLength = cis.readRawVarint32() & 0xffffffffL;
          rawOffset = cis.getTotalBytesRead();
          cis.skipRawBytes(Math.toIntExact(rawLength));
        }
        case 13 -> {
          int old = cis.pushLimit(boundedLength(cis, "external_data"));
          String k = null;
          String v = null;
          while (!cis.isAtEnd()) {
            int t = cis.readTag();
            switch (WireFormat.getTagFieldNumber(t)) {
              case 1 -> k = cis.readStringRequireUtf8();
              case 2 -> v = cis.readStringRequireUtf8();
              default -> cis.skipField(t);
            }
          }
          cis.popLimit(old);
          if (k != null && v != null) {
            external.put(k, v);
          }
        }
        case 14 -> dataLocation = cis.readEnum();
        default -> cis.skipField(tag);
      }
    }
    long[] d = new long[dims.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = dims.get(i);
    }
    if (dataLocation == 1 || external.containsKey("location")) {
      String loc = external.get("location");
      if (loc == null) {
        throw new IOException("initializer " + name + " is marked external but has no location");
      }
      long off = Long.parseLong(external.getOrDefault("offset", "0"));
      long len = Long.parseLong(external.getOrDefault("length", "-1"));
      return new OnnxInitializer(name, dataType, d, dir.resolve(loc).normalize(), off, len, loc, null);
    }
    if (floats != null) {
      float[] f = new float[floats.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = floats.get(i);
      }
      return new OnnxInitializer(name, dataType, d, null, -1, f.length * 4L, null, f);
    }
    return new OnnxInitializer(name, dataType, d, rawOffset < 0 ? null : file, rawOffset, rawLength, null, null);
  }

  /** The model file this graph was read from. */
  public Path file() {
    return file;
  }

  /** The main graph's nodes in file order. */
  public List<OnnxNode> nodes() {
    return nodes;
  }

  /** The initializers by name, in file order. */
  public Map<String, OnnxInitializer> initializers() {
    return initializers;
  }

  /** The initializer of this name, or null. */
  public OnnxInitializer initializer(String name) {
    return initializers.get(name);
  }

  /** The nodes that read value {@code name}. */
  public List<OnnxNode> consumers(String name) {
    return consumers.getOrDefault(name, List.of());
  }

  private static InvalidModelException invalid(java.nio.file.Path file, String message) {
    return new InvalidModelException(file, file + ": " + message);
  }
}
