package io.diffuse4j.onnx.adapters;

import io.diffuse4j.onnx.graph.OnnxGraph;
import io.diffuse4j.onnx.graph.OnnxInitializer;
import io.diffuse4j.onnx.graph.OnnxNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which ONNX initializer holds the weight of each PyTorch module of an exported model, found
 * through the graph: a Linear becomes a {@code MatMul} reading its weight transposed (under a
 * generated name such as {@code onnx::MatMul_123}) or a {@code Gemm} reading it as is; a Conv a
 * {@code Conv} reading {@code module.weight}. The exporter names each node after its module path
 * ({@code /down_blocks.0/attentions.0/proj_in/Conv}), and keeps {@code module.weight} as the
 * initializer's name where it does not fold a transpose into it.
 *
 * <p>Thread-safe: immutable once built.
 */
public final class WeightIndex {

  /**
   * Where one module's weight is.
   *
   * @param initializer the initializer
   * @param transposed whether it is stored {@code [in, out]} (a Linear folded into a MatMul) rather
   *     than PyTorch's {@code [out, in, ...]}
   */
  public record Target(OnnxInitializer initializer, boolean transposed) {}

  private final OnnxGraph graph;
  private final Map<String, Target> byModule = new HashMap<>();
  private final Set<String> ambiguous = new HashSet<>();
  private final Map<String, String> byKohyaName = new HashMap<>();

  /** Indexes {@code graph}. */
  public WeightIndex(OnnxGraph graph) {
    this.graph = graph;
    Map<String, Target> fromNodes = new HashMap<>();
    for (OnnxNode n : graph.nodes()) {
      Target t = weightOf(n);
      if (t == null) {
        continue;
      }
      String path = n.modulePath();
      if (path.isEmpty()) {
        continue;
      }
      Target old = fromNodes.putIfAbsent(path, t);
      if (old != null && !old.initializer().name().equals(t.initializer().name())) {
        ambiguous.add(path);
      }
      String name = t.initializer().name();
      if (name.endsWith(".weight")) {
        byModule.put(name.substring(0, name.length() - ".weight".length()), t);
      }
    }
    for (Map.Entry<String, Target> e : fromNodes.entrySet()) {
      if (!ambiguous.contains(e.getKey())) {
        byModule.putIfAbsent(e.getKey(), e.getValue());
      }
    }
    for (String module : byModule.keySet()) {
      byKohyaName.put(module.replace('.', '_'), module);
    }
  }

  private Target weightOf(OnnxNode n) {
    String op = n.opType();
    if (!op.equals("MatMul") && !op.equals("Gemm") && !op.equals("Conv")) {
      return null;
    }
    if (n.inputs().size() < 2) {
      return null;
    }
    String w = n.inputs().get(1);
    boolean viaTranspose = false;
    OnnxInitializer init = graph.initializer(w);
    if (init == null) {
      OnnxNode producer = producer(w);
      if (producer != null && producer.opType().equals("Transpose") && !producer.inputs().isEmpty()) {
        init = graph.initializer(producer.inputs().get(0));
        viaTranspose = true;
      }
    }
    if (init == null || !init.floating() || init.dims().length < 2) {
      return null;
    }
    boolean storedTransposed = switch (op) {
      case "MatMul" -> true;
      case "Gemm" -> n.intAttribute("transB", 0) == 0;
      default -> false;
    };
    if (op.equals("Conv")) {
      return new Target(init, false);
    }
    if (init.dims().length != 2) {
      return null;
    }
    return new Target(init, storedTransposed != viaTranspose);
  }

  private Map<String, OnnxNode> producers;

  private OnnxNode producer(String value) {
    if (producers == null) {
      producers = new HashMap<>();
      for (OnnxNode n : graph.nodes()) {
        for (String o : n.outputs()) {
          producers.put(o, n);
        }
      }
    }
    return producers.get(value);
  }

  /** The graph. */
  public OnnxGraph graph() {
    return graph;
  }

  /**
   * The weight of a module, by its dotted path ({@code down_blocks.0.attentions.0.proj_in}) or,
   * for {@code kohya} names, by its underscored one; null when the graph has no such module.
   */
  public Target find(String module, boolean kohya) {
    if (kohya) {
      String dotted = byKohyaName.get(module);
      return dotted == null ? null : byModule.get(dotted);
    }
    return byModule.get(module);
  }

  /** The module paths this graph has weights for. */
  public Set<String> modules() {
    return byModule.keySet();
  }

  /** Initializers read by a {@code Gather} (token embeddings), with their consumers' names. */
  public List<OnnxInitializer> gatheredTables() {
    return graph.nodes().stream().filter(n -> n.opType().equals("Gather") && !n.inputs().isEmpty())
        .map(n -> graph.initializer(n.inputs().get(0))).filter(i -> i != null && i.dims().length == 2 && i.floating())
        .distinct().toList();
  }
}
