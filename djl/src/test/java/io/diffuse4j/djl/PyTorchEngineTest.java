package io.diffuse4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.pipelines.Diffusion;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The TorchScript parts on DJL's PyTorch engine give the ONNX Runtime images (same seed, same pipeline,
 * schedulers and noise), offline.
 */
class PyTorchEngineTest {

  private static BufferedImage generate(String model, String engine, GenerationRequest request) {
    try (DiffusionPipeline sd = Diffusion.builder().model(Fixtures.testModel(model)).engine(engine)
        .warnings(w -> { }).load()) {
      return sd.generate(request).first().image();
    }
  }

  @Test
  void torchScriptModelGivesTheOnnxImage() {
    GenerationRequest r = GenerationRequest.builder("a red circle on a blue background").seed(42).steps(4)
        .scheduler("euler").size(64, 64).build();
    BufferedImage onnx = generate("sd15-tiny", "OnnxRuntime", r);
    BufferedImage torch = generate("sd15-tiny", "PyTorch", r);
    assertThat(Fixtures.varied(onnx)).isTrue();
    int diff = Fixtures.maxChannelDiff(onnx, torch);
    System.out.println("sd15-tiny PyTorch vs OnnxRuntime, max channel difference: " + diff + "/255");
    assertThat(diff).isLessThanOrEqualTo(2);
    // another seed gives another image on both engines: the comparison is not vacuous
    BufferedImage other = generate("sd15-tiny", "pytorch", r.toBuilder().seed(43).build());
    assertThat(Fixtures.maxChannelDiff(torch, other)).isGreaterThan(2);
  }

  @Test
  void vPredictionModelWithGuidanceMatchesToo() {
    GenerationRequest r = GenerationRequest.builder("a blue square").negativePrompt("green").seed(3).steps(3)
        .guidanceScale(6.0).build();
    int diff = Fixtures.maxChannelDiff(generate("sd2-tiny-v", "OnnxRuntime", r), generate("sd2-tiny-v", "PyTorch", r));
    System.out.println("sd2-tiny-v PyTorch vs OnnxRuntime, max channel difference: " + diff + "/255");
    assertThat(diff).isLessThanOrEqualTo(2);
  }

  @Test
  void criteriaChoosesThePartsEngine() throws Exception {
    Path dir = Fixtures.testModel("sd15-tiny");
    Criteria<GenerationRequest, GenerationResult> criteria = Criteria.builder()
        .setTypes(GenerationRequest.class, GenerationResult.class).optModelPath(dir).optEngine("Diffuse4j")
        .optArgument("translatorFactory", "io.diffuse4j.djl.DiffusionTranslatorFactory")
        .optArgument("partsEngine", "PyTorch").build();
    GenerationRequest r = GenerationRequest.builder("a red circle").seed(9).steps(2).scheduler("ddim").build();
    BufferedImage viaDjl;
    try (ZooModel<GenerationRequest, GenerationResult> m = criteria.loadModel();
        Predictor<GenerationRequest, GenerationResult> p = m.newPredictor()) {
      viaDjl = p.predict(r).first().image();
    }
    assertThat(Fixtures.maxChannelDiff(viaDjl, generate("sd15-tiny", "OnnxRuntime", r))).isLessThanOrEqualTo(2);
  }

  @Test
  void modelWithoutTorchScriptPartsIsRefusedNamingTheFile() {
    Path dir = Fixtures.testModel("lcm-tiny");
    assertThatThrownBy(() -> Diffusion.builder().model(dir).engine("PyTorch").warnings(w -> { }).load())
        .hasMessageContaining(dir.resolve("text_encoder").resolve("model.pt").toString())
        .hasMessageContaining("OnnxRuntime");
  }

  @Test
  void unknownEngineNamesTheAvailableOnes() {
    assertThatThrownBy(() -> Diffusion.builder().engine("TensorRT").load())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TensorRT").hasMessageContaining("OnnxRuntime").hasMessageContaining("PyTorch");
  }

  @Test
  void loadsAndGeneratesWithoutOpeningASocket() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", cp, DjlNetworkProbe.class.getName(),
        Fixtures.testModel("sd15-tiny").toString());
    pb.environment().remove("OPT_OUT_TRACKING");
    pb.environment().remove("DJL_OFFLINE");
    pb.redirectErrorStream(true);
    Process process = pb.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out).contains("images=1");
    assertThat(out).as("connection attempts during load and generation").contains("attempts=0 []");
    assertThat(out).as("the hook must see a real connection attempt").contains("control=1");
  }
}
