package io.diffuse4j.vae;

import io.diffuse4j.onnx.OnnxGraph;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises VAE encoder graphs that draw {@code latent_dist.sample()} inside the graph, as
 * diffusers' conversion script and optimum before 1.20 export them:
 * {@code moments → Split/Slice → mean, logvar → … → mean + exp(0.5·logvar) · RandomNormalLike(mean)}.
 * Stateless and thread-safe.
 */
final class SamplingEncoders {

  private static final Set<String> RANDOM_OPS = Set.of("RandomNormalLike", "RandomNormal", "RandomUniformLike",
      "RandomUniform", "Multinomial");
  private static final Set<String> PASS = Set.of("Identity", "Cast");

  private SamplingEncoders() {}

  /** Whether the graph has a random-number node. */
  static boolean samples(OnnxGraph graph) {
    return graph.nodes().stream().anyMatch(n -> RANDOM_OPS.contains(n.opType()));
  }

  /**
   * The name of the tensor holding the distribution's parameters (mean and log-variance
   * concatenated on channels) when the graph samples {@code mean + std · RandomNormalLike}.
   */
  static Optional<String> momentsOfSamplingGraph(OnnxGraph graph) {
    for (OnnxGraph.Node r : graph.nodes()) {
      if (!r.opType().equals("RandomNormalLike") || r.outputs().isEmpty()) {
        continue;
      }
      String eps = r.outputs().get(0);
      for (int depth = 0; depth < 3; depth++) { // torch exports cast the draw to the model's dtype
        String e = eps;
        Optional<OnnxGraph.Node> cast = graph.consumers(e).stream().filter(n -> PASS.contains(n.opType())).findFirst();
        if (cast.isEmpty() || cast.get().outputs().isEmpty()) {
          break;
        }
        eps = cast.get().outputs().get(0);
      }
      for (OnnxGraph.Node mul : graph.consumers(eps)) {
        if (!mul.opType().equals("Mul") || mul.outputs().isEmpty()) {
          continue;
        }
        for (OnnxGraph.Node add : graph.consumers(mul.outputs().get(0))) {
          if (!add.opType().equals("Add") || add.inputs().size() != 2) {
            continue;
          }
          String mean = add.inputs().get(0).equals(mul.outputs().get(0)) ? add.inputs().get(1) : add.inputs().get(0);
          Optional<String> moments = splitSource(graph, mean);
          if (moments.isPresent()) {
            return moments;
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The tensor that {@code value} is the first half of (a Split's or Slice's data input). */
  private static Optional<String> splitSource(OnnxGraph graph, String value) {
    String v = value;
    for (int depth = 0; depth < 4; depth++) {
      Optional<OnnxGraph.Node> p = graph.producer(v);
      if (p.isEmpty()) {
        return Optional.empty();
      }
      OnnxGraph.Node n = p.get();
      if (n.opType().equals("Split") && n.outputs().indexOf(v) == 0) {
        return Optional.of(n.inputs().get(0));
      }
      if (n.opType().equals("Slice") && !n.inputs().isEmpty()) {
        return Optional.of(n.inputs().get(0));
      }
      if (!PASS.contains(n.opType()) || n.inputs().isEmpty()) {
        return Optional.empty();
      }
      v = n.inputs().get(0);
    }
    return Optional.empty();
  }

  static List<String> randomOps() {
    return List.copyOf(RANDOM_OPS);
  }
}
