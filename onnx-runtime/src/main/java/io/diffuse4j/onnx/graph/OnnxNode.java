package io.diffuse4j.onnx.graph;

import java.util.List;
import java.util.Map;

/**
 * One node of an ONNX graph: what {@link OnnxGraph} keeps of a {@code NodeProto}.
 *
 * @param name the node's name (exporters write the module path, e.g.
 *     {@code /down_blocks.0/attentions.0/transformer_blocks.0/attn1/to_q/MatMul})
 * @param opType the operator ({@code MatMul}, {@code Gemm}, {@code Conv}...)
 * @param inputs input value names in order
 * @param outputs output value names in order
 * @param intAttributes the node's integer attributes ({@code transB} of a Gemm...)
 */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs,
    Map<String, Long> intAttributes) {

  /** Compact form. */
  public OnnxNode {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    intAttributes = Map.copyOf(intAttributes);
  }

  /**
   * The module path the exporter wrote into the node name: {@code /text_model/encoder/layers.0/
   * self_attn/q_proj/MatMul} gives {@code text_model.encoder.layers.0.self_attn.q_proj}; empty
   * when the name has no scope.
   */
  public String modulePath() {
    String n = name.startsWith("/") ? name.substring(1) : name;
    int last = n.lastIndexOf('/');
    return last < 0 ? "" : n.substring(0, last).replace('/', '.');
  }

  /** An integer attribute, or {@code fallback} when the node does not set it. */
  public long intAttribute(String key, long fallback) {
    Long v = intAttributes.get(key);
    return v == null ? fallback : v;
  }
}
