package io.diffuse4j.onnx.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.InvalidModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the graphs torch.onnx.export wrote for test-models/ (inline and external weights). */
class OnnxGraphTest {

  static final Path MODELS = Path.of("..", "test-models").toAbsolutePath().normalize();

  @Test
  void nodesCarryTheExportersModulePaths() {
    OnnxGraph g = OnnxGraph.read(MODELS.resolve("sd15-tiny/unet/model.onnx"));
    OnnxNode k = g.nodes().stream().filter(n -> n.name().equals("/k/MatMul")).findFirst().orElseThrow();
    assertThat(k.opType()).isEqualTo("MatMul");
    assertThat(k.modulePath()).isEqualTo("k");
    OnnxInitializer w = g.initializer(k.inputs().get(1));
    assertThat(w.name()).startsWith("onnx::MatMul_");
    assertThat(w.dims()).containsExactly(32, 16); // Linear(32 -> 16) stored transposed
    OnnxNode gemm = g.nodes().stream().filter(n -> n.opType().equals("Gemm")).findFirst().orElseThrow();
    assertThat(gemm.intAttribute("transB", 0)).isEqualTo(1);
    assertThat(g.consumers("inp.weight")).extracting(OnnxNode::name).containsExactly("/inp/Conv");
  }

  @Test
  void externalDataGivesTheSameWeights() {
    OnnxGraph inline = OnnxGraph.read(MODELS.resolve("sd15-tiny/unet/model.onnx"));
    OnnxGraph external = OnnxGraph.read(MODELS.resolve("sd15-tiny-external/unet/model.onnx"));
    assertThat(external.initializers().keySet()).isEqualTo(inline.initializers().keySet());
    for (OnnxInitializer i : inline.initializers().values()) {
      OnnxInitializer e = external.initializer(i.name());
      assertThat(i.external()).isFalse();
      assertThat(e.external()).isTrue();
      assertThat(e.externalLocation()).isEqualTo("model.onnx_data");
      assertThat(e.readFloats()).as(i.name()).containsExactly(i.readFloats());
    }
  }

  @Test
  void float16WeightsAreConverted() {
    OnnxGraph g = OnnxGraph.read(MODELS.resolve("sd15-tiny-fp16/vae_decoder/model.onnx"));
    assertThat(g.initializers()).isNotEmpty();
    assertThat(g.initializers().values().iterator().next().readFloats()).isNotEmpty();
  }

  @Test
  void notAModelIsReported(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("model.onnx");
    Files.write(f, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3});
    assertThatThrownBy(() -> OnnxGraph.read(f)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("model.onnx");
    assertThatThrownBy(() -> OnnxGraph.read(dir.resolve("missing.onnx"))).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("does not exist");
  }
}
