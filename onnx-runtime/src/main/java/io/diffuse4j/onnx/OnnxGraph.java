package io.diffuse4j.onnx;

import io.diffuse4j.api.pipeline.InvalidModelException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The structure of an ONNX model file as written (nodes, initializer shapes, graph outputs), read
 * straight from its protobuf encoding without loading weights, for what session metadata does not
 * say: the channel count of a dynamic {@code channels} axis (from the first convolution's weight), or
 * whether a VAE encoder samples inside the graph ({@code RandomNormalLike}). Weight bytes are skipped,
 * never copied; a graph can be rewritten to other outputs ({@link #withOutputs}).
 *
 * <pre>{@code
 * OnnxGraph g = OnnxGraph.read(Path.of("unet/model.onnx"));
 * OptionalInt in = g.inputChannelsOfFirstConv("sample");
 * }</pre>
 *
 * <p>Immutable after reading and thread-safe.
 */
public final class OnnxGraph {

  /** One node: operator type, input and output value names. */
  public record Node(String opType, List<String> inputs, List<String> outputs) {}

  private final Path file;
  private final ByteBuffer bytes;
  private final int graphStart;
  private final int graphEnd;
  private final int graphFieldStart;
  private final List<Node> nodes;
  private final Map<String, long[]> initializerDims;
  private final List<String> outputs;
  private final Map<String, Node> producers = new HashMap<>();
  private final Map<String, List<Node>> consumers = new HashMap<>();

  private OnnxGraph(Path file, ByteBuffer bytes, int graphFieldStart, int graphStart, int graphEnd, List<Node> nodes,
      Map<String, long[]> initializerDims, List<String> outputs) {
    this.file = file;
    this.bytes = bytes;
    this.graphFieldStart = graphFieldStart;
    this.graphStart = graphStart;
    this.graphEnd = graphEnd;
    this.nodes = Collections.unmodifiableList(nodes);
    this.initializerDims = Collections.unmodifiableMap(initializerDims);
    this.outputs = Collections.unmodifiableList(outputs);
    for (Node n : nodes) {
      for (String o : n.outputs()) {
        producers.put(o, n);
      }
      for (String i : n.inputs()) {
        consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
      }
    }
  }

  /**
   * Reads the graph of {@code file}.
   *
   * @throws InvalidModelException naming the file when it is not a readable ONNX protobuf
   */
  public static OnnxGraph read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() > Integer.MAX_VALUE) {
        throw new InvalidModelException(file, file + " is larger than 2 GiB, which no ONNX protobuf can be");
      }
      MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
      return parse(file, buf);
    } catch (IOException e) {
      throw new InvalidModelException(file, file + " could not be read: " + e.getMessage());
    } catch (RuntimeException e) {
      if (e instanceof InvalidModelException ime) {
        throw ime;
      }
      throw new InvalidModelException(file, file + " is not a readable ONNX model (" + e.getMessage() + "); re-export it", e);
    }
  }

  private static OnnxGraph parse(Path file, ByteBuffer buf) {
    Reader r = new Reader(buf, 0, buf.limit());
    int gStart = -1;
    int gEnd = -1;
    int fieldStart = -1;
    while (r.more()) {
      int at = r.pos;
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (field == 7 && wire == 2) { // ModelProto.graph
        int len = (int) r.varint();
        fieldStart = at;
        gStart = r.pos;
        gEnd = gStart + len;
        r.pos = gEnd;
      } else {
        r.skip(wire);
      }
    }
    if (gStart < 0) {
      throw new InvalidModelException(file, file + " has no graph: it is not an ONNX model, or it is truncated");
    }
    List<Node> nodes = new ArrayList<>();
    Map<String, long[]> inits = new LinkedHashMap<>();
    List<String> outs = new ArrayList<>();
    Reader g = new Reader(buf, gStart, gEnd);
    while (g.more()) {
      long tag = g.varint();
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (wire != 2) {
        g.skip(wire);
        continue;
      }
      int len = (int) g.varint();
      int start = g.pos;
      int end = start + len;
      switch (field) {
        case 1 -> nodes.add(node(new Reader(buf, start, end)));
        case 5 -> tensorDims(new Reader(buf, start, end), inits);
        case 12 -> outs.add(valueInfoName(new Reader(buf, start, end)));
        default -> { }
      }
      g.pos = end;
    }
    return new OnnxGraph(file, buf, fieldStart, gStart, gEnd, nodes, inits, outs);
  }

  private static Node node(Reader r) {
    List<String> in = new ArrayList<>();
    List<String> out = new ArrayList<>();
    String op = "";
    while (r.more()) {
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (wire == 2 && (field == 1 || field == 2 || field == 4)) {
        String s = r.string();
        if (field == 1) {
          in.add(s);
        } else if (field == 2) {
          out.add(s);
        } else {
          op = s;
        }
      } else {
        r.skip(wire);
      }
    }
    return new Node(op, in, out);
  }

  private static void tensorDims(Reader r, Map<String, long[]> into) {
    List<Long> dims = new ArrayList<>();
    String name = null;
    while (r.more()) {
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (field == 1 && wire == 0) {
        dims.add(r.varint());
      } else if (field == 1 && wire == 2) { // packed dims
        int len = (int) r.varint();
        int end = r.pos + len;
        while (r.pos < end) {
          dims.add(r.varint());
        }
      } else if (field == 8 && wire == 2) {
        name = r.string();
      } else {
        r.skip(wire);
      }
    }
    if (name != null) {
      into.put(name, dims.stream().mapToLong(Long::longValue).toArray());
    }
  }

  private static String valueInfoName(Reader r) {
    while (r.more()) {
      long tag = r.varint();
      if ((tag >>> 3) == 1 && (tag & 7) == 2) {
        return r.string();
      }
      r.skip((int) (tag & 7));
    }
    return "";
  }

  /** The file read. */
  public Path file() {
    return file;
  }

  /** The nodes in file order. */
  public List<Node> nodes() {
    return nodes;
  }

  /** The graph's output names in order. */
  public List<String> outputs() {
    return outputs;
  }

  /** The dimensions of an initializer (a weight), if the graph has one of this name. */
  public Optional<long[]> initializerDims(String name) {
    return Optional.ofNullable(initializerDims.get(name));
  }

  /** The node producing a value, if any (graph inputs and initializers have none). */
  public Optional<Node> producer(String value) {
    return Optional.ofNullable(producers.get(value));
  }

  /** The nodes reading a value. */
  public List<Node> consumers(String value) {
    return consumers.getOrDefault(value, List.of());
  }

  /** Whether any node has this operator type. */
  public boolean hasOp(String opType) {
    return nodes.stream().anyMatch(n -> n.opType().equals(opType));
  }

  /**
   * The input channels of the first convolution reading {@code input} (through casts, identities
   * and element-wise scalings such as SD's input scaling): dimension 1 of its weight.
   */
  public Optional<Integer> inputChannelsOfFirstConv(String input) {
    List<String> frontier = new ArrayList<>(List.of(input));
    for (int depth = 0; depth < 6 && !frontier.isEmpty(); depth++) {
      List<String> next = new ArrayList<>();
      for (String v : frontier) {
        for (Node n : consumers(v)) {
          if (n.opType().equals("Conv") && n.inputs().size() > 1 && n.inputs().get(0).equals(v)) {
            long[] w = weightDims(n.inputs().get(1));
            if (w != null && w.length == 4) {
              return Optional.of((int) w[1]);
            }
          } else if (PASS_THROUGH.contains(n.opType())) {
            next.addAll(n.outputs());
          }
        }
      }
      frontier = next;
    }
    return Optional.empty();
  }

  /**
   * The output channels of the last convolution producing {@code output} (through casts,
   * identities and element-wise ops): dimension 0 of its weight.
   */
  public Optional<Integer> outputChannelsOfLastConv(String output) {
    String v = output;
    for (int depth = 0; depth < 6; depth++) {
      Node n = producers.get(v);
      if (n == null) {
        return Optional.empty();
      }
      if (n.opType().equals("Conv") && n.inputs().size() > 1) {
        long[] w = weightDims(n.inputs().get(1));
        return w != null && w.length == 4 ? Optional.of((int) w[0]) : Optional.empty();
      }
      if (!PASS_THROUGH.contains(n.opType()) || n.inputs().isEmpty()) {
        return Optional.empty();
      }
      v = n.inputs().get(0);
    }
    return Optional.empty();
  }

  private long[] weightDims(String name) {
    long[] d = initializerDims.get(name);
    if (d != null) {
      return d;
    }
    Node p = producers.get(name); // fp16 conversions and some exporters put a Cast or Identity in front
    if (p != null && PASS_THROUGH.contains(p.opType()) && !p.inputs().isEmpty()) {
      return initializerDims.get(p.inputs().get(0));
    }
    return null;
  }

  private static final java.util.Set<String> PASS_THROUGH = java.util.Set.of("Cast", "Identity", "Mul", "Div", "Add",
      "Sub");

  /**
   * The model with the graph's outputs replaced by {@code newOutputs} (existing values of the
   * graph, declared as float tensors of unknown shape), as protobuf bytes for a session. Nodes
   * no output depends on are left for ONNX Runtime's optimiser to drop.
   */
  public byte[] withOutputs(List<String> newOutputs) {
    ByteArrayOutputStream graph = new ByteArrayOutputStream();
    Reader g = new Reader(bytes, graphStart, graphEnd);
    while (g.more()) {
      int at = g.pos;
      long tag = g.varint();
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      g.skip(wire);
      if (field != 12) {
        copy(at, g.pos, graph);
      }
    }
    for (String name : newOutputs) {
      // ValueInfoProto{name=1, type=2{tensor_type=1{elem_type=1 (FLOAT)}}}
      ByteArrayOutputStream tensorType = new ByteArrayOutputStream();
      writeTag(tensorType, 1, 0);
      writeVarint(tensorType, 1);
      ByteArrayOutputStream type = new ByteArrayOutputStream();
      writeBytes(type, 1, tensorType.toByteArray());
      ByteArrayOutputStream vi = new ByteArrayOutputStream();
      writeBytes(vi, 1, name.getBytes(StandardCharsets.UTF_8));
      writeBytes(vi, 2, type.toByteArray());
      writeBytes(graph, 12, vi.toByteArray());
    }
    ByteArrayOutputStream model = new ByteArrayOutputStream();
    copy(0, graphFieldStart, model);
    writeBytes(model, 7, graph.toByteArray());
    copy(graphEnd, bytes.limit(), model);
    return model.toByteArray();
  }

  private void copy(int from, int to, ByteArrayOutputStream out) {
    byte[] chunk = new byte[Math.min(1 << 20, Math.max(0, to - from))];
    for (int p = from; p < to; p += chunk.length) {
      int n = Math.min(chunk.length, to - p);
      bytes.get(p, chunk, 0, n);
      out.write(chunk, 0, n);
    }
  }

  private static void writeTag(ByteArrayOutputStream out, int field, int wire) {
    writeVarint(out, ((long) field << 3) | wire);
  }

  private static void writeBytes(ByteArrayOutputStream out, int field, byte[] b) {
    writeTag(out, field, 2);
    writeVarint(out, b.length);
    out.write(b, 0, b.length);
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** A protobuf wire-format reader over a region of the buffer. */
  private static final class Reader {
    private final ByteBuffer buf;
    private int pos;
    private final int end;

    Reader(ByteBuffer buf, int start, int end) {
      if (start < 0 || end > buf.limit() || start > end) {
        throw new IllegalStateException("a length runs past the end of the file (truncated?)");
      }
      this.buf = buf;
      this.pos = start;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IllegalStateException("a number runs past the end of its message (truncated?)");
        }
        byte b = buf.get(pos++);
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalStateException("malformed varint");
    }

    String string() {
      int len = (int) varint();
      if (len < 0 || pos + len > end) {
        throw new IllegalStateException("a string runs past the end of its message (truncated?)");
      }
      byte[] b = new byte[len];
      buf.get(pos, b);
      pos += len;
      return new String(b, StandardCharsets.UTF_8);
    }

    void skip(int wire) {
      switch (wire) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> {
          long len = varint();
          if (len < 0 || pos + len > end) {
            throw new IllegalStateException("a field runs past the end of its message (truncated?)");
          }
          pos += (int) len;
        }
        case 5 -> pos += 4;
        default -> throw new IllegalStateException("unsupported protobuf wire type " + wire);
      }
      if (pos > end) {
        throw new IllegalStateException("a field runs past the end of its message (truncated?)");
      }
    }
  }
}
