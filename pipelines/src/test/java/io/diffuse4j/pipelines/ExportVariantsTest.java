package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.pipelines.model.LoadedModel;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/**
 * Every export variant of test-models/ loads through the same loader, is recognised from its files
 * (no family flag) and generates. Several fixtures share sd15-tiny's weights (same seed) and differ
 * only in signature, so their images must match sd15-tiny's.
 */
class ExportVariantsTest {

  private static GenerationRequest.Builder req() {
    return GenerationRequest.builder("a red circle on a blue background").steps(3).scheduler("ddim").seed(11)
        .width(64).height(64);
  }

  private static BufferedImage image(String model, GenerationRequest r) {
    try (DiffusionPipeline p = Diffusion.builder().model(TestModels.dir(model)).warnings(w -> { }).load()) {
      return p.generate(r).first().image();
    }
  }

  private static double meanAbsDiff(BufferedImage a, BufferedImage b) {
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int s = 0; s < 24; s += 8) {
          sum += Math.abs(((p >> s) & 0xFF) - ((q >> s) & 0xFF));
        }
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }

  @Test
  void signatureVariantsGiveTheSameImageAsTheReferenceExport() {
    BufferedImage ref = image("sd15-tiny", req().build());
    // fp16 inputs/outputs, converted at the boundary
    assertThat(meanAbsDiff(ref, image("sd15-tiny-fp16", req().build()))).isLessThan(2.0);
    // int64 timestep, latent_parameters, tokenizer from vocab.json + merges.txt (no tokenizer.json), configs present
    assertThat(meanAbsDiff(ref, image("sd15-tiny-optimum", req().build()))).isLessThan(0.01);
    // U-Net with a fixed batch of 1: guidance runs two calls
    assertThat(meanAbsDiff(ref, image("sd15-tiny-batch1", req().build()))).isLessThan(0.01);
    // external weights in model.onnx_data
    assertThat(meanAbsDiff(ref, image("sd15-tiny-external", req().build()))).isLessThan(0.01);
  }

  @Test
  void familiesAreDetectedFromTheFolder() {
    String[][] expect = {
        {"sd15-tiny", "sd1"}, {"sd15-tiny-optimum", "sd1"}, {"sd2-tiny-v", "sd2"}, {"sd-turbo-tiny", "turbo"},
        {"lcm-tiny", "lcm"}, {"sdxl-tiny", "sdxl"}};
    for (String[] e : expect) {
      try (DiffusionPipeline p = Diffusion.builder().model(TestModels.dir(e[0])).warnings(w -> { }).load()) {
        assertThat(p.model().family()).as(e[0]).isEqualTo(e[1]);
      }
    }
  }

  @Test
  void familyDefaults() {
    try (DiffusionPipeline p = Diffusion.builder().model(TestModels.dir("sd-turbo-tiny")).warnings(w -> { }).load()) {
      assertThat(p.model().defaultSteps()).isEqualTo(1);
      assertThat(p.model().defaultGuidance()).isZero();
    }
    try (DiffusionPipeline p = Diffusion.builder().model(TestModels.dir("sdxl-tiny")).warnings(w -> { }).load()) {
      // U-Net sample_size 8 x VAE factor 8
      assertThat(p.model().defaultWidth()).isEqualTo(64);
      assertThat(((StableDiffusionPipeline) p).loadedModel().vaeDecoder().scalingFactor()).isEqualTo(0.13025);
    }
  }

  @Test
  void sd2PadsWithExclamationAndRunsVPrediction() {
    try (DiffusionPipeline p = Diffusion.builder().model(TestModels.dir("sd2-tiny-v")).warnings(w -> { }).load()) {
      LoadedModel m = ((StableDiffusionPipeline) p).loadedModel();
      int[] ids = m.textEncoder().tokenizer().tokenize("red").ids();
      assertThat(ids[ids.length - 1]).isZero(); // "!" is id 0
      assertThat(m.schedulerConfig().get("prediction_type")).isEqualTo("v_prediction");
      GenerationResult r = p.generate(GenerationRequest.builder("red").scheduler(null).steps(3).build());
      assertThat(r.first().parameters().scheduler()).isEqualTo("ddim");
    }
  }

  @Test
  void lcmFeedsTheGuidanceEmbeddingAndSkipsClassifierFreeGuidance() {
    try (DiffusionPipeline p = Diffusion.builder().model(TestModels.dir("lcm-tiny")).warnings(w -> { }).load()) {
      assertThat(((StableDiffusionPipeline) p).loadedModel().denoiser().info().timestepCondDim()).isEqualTo(32);
      BufferedImage a = p.generate(GenerationRequest.builder("red").guidanceScale(8.0).build()).first().image();
      BufferedImage b = p.generate(GenerationRequest.builder("red").guidanceScale(2.0).build()).first().image();
      assertThat(meanAbsDiff(a, b)).as("the guidance scale reaches the U-Net through timestep_cond").isGreaterThan(0);
    }
  }

  @Test
  void sdxlRunsBothTextEncodersAndTheAddedConditioning() {
    try (DiffusionPipeline p = Diffusion.builder().model(TestModels.dir("sdxl-tiny")).warnings(w -> { }).load()) {
      BufferedImage withNeg = p.generate(req().negativePrompt("green").build()).first().image();
      BufferedImage noNeg = p.generate(req().build()).first().image();
      assertThat(withNeg.getWidth()).isEqualTo(64);
      assertThat(meanAbsDiff(withNeg, noNeg)).isGreaterThan(0);
    }
  }

  @Test
  void inpaintingUnetNeedsAMask() {
    try (DiffusionPipeline p = Diffusion.builder().model(TestModels.dir("sd15-tiny-inpaint")).warnings(w -> { })
        .load()) {
      assertThatThrownBy(() -> p.generate(req().build())).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("inpainting U-Net").hasMessageContaining("mask").hasMessageNotContaining("--");
      BufferedImage init = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
      BufferedImage mask = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
      mask.getGraphics().fillRect(0, 0, 32, 64);
      GenerationResult r = p.generate(req().initImage(init).mask(mask).strength(1.0).build());
      assertThat(r.first().image().getWidth()).isEqualTo(64);
    }
  }
}
