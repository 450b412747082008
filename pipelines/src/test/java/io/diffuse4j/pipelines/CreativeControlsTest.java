package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.model.TokenizedPrompt;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.api.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prompt weighting, long prompts, clip skip, caller embeddings, LoRA and textual inversion, end to
 * end. LoRA and embedding references are the same models with the weights merged in PyTorch
 * (test-models/adapters, tools/fixtures/make_adapter_fixtures.py).
 */
class CreativeControlsTest {

  static final Path ADAPTERS = TestModels.dir("adapters");
  static DiffusionPipeline sd;
  static DiffusionPipeline xl;

  @BeforeAll
  static void load() {
    sd = Diffusion.builder().model(TestModels.dir("sd15-tiny")).loraDir(ADAPTERS).warnings(w -> { }).load();
    xl = Diffusion.builder().model(TestModels.dir("sdxl-tiny")).warnings(w -> { }).load();
  }

  @AfterAll
  static void close() {
    sd.close();
    xl.close();
  }

  private static GenerationRequest.Builder req(String prompt) {
    return GenerationRequest.builder(prompt).steps(3).scheduler("ddim").width(64).height(64).seed(7)
        .negativePrompt("blue");
  }

  /** The image as PNG bytes, without the text chunks (which record the prompt as typed). */
  private static byte[] png(GenerationResult r) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    javax.imageio.ImageIO.write(r.first().image(), "png", out);
    return out.toByteArray();
  }

  /** The largest per-channel difference of two images, in 1/255 steps. */
  static int maxDiff(BufferedImage a, BufferedImage b) {
    int m = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int s = 0; s < 24; s += 8) {
          m = Math.max(m, Math.abs(((p >> s) & 255) - ((q >> s) & 255)));
        }
      }
    }
    return m;
  }

  private static BufferedImage image(DiffusionPipeline p, GenerationRequest r) {
    return p.generate(r).first().image();
  }

  private static BufferedImage reference(String folder, GenerationRequest r) {
    try (DiffusionPipeline ref = Diffusion.builder().model(ADAPTERS.resolve(folder)).warnings(w -> { }).load()) {
      return image(ref, r);
    }
  }

  @Test
  void weightOneIsThePlainPromptByteForByte() throws Exception {
    byte[] plain = png(sd.generate(req("a red circle").build()));
    assertThat(png(sd.generate(req("a (red:1.0) circle").build()))).isEqualTo(plain);
    assertThat(png(sd.generate(req("a (red:1.5) circle").build()))).isNotEqualTo(plain);
    assertThat(png(sd.generate(req("a [red] circle").build()))).isNotEqualTo(plain);
  }

  @Test
  void escapedBracketsAreText() {
    var tokenizer = ((StableDiffusionPipeline) sd).loadedModel().textEncoder().tokenizer();
    var chunker = io.diffuse4j.textencoder.prompt.PromptChunker.of(tokenizer, java.util.Map.of());
    var chunks = chunker.chunk(io.diffuse4j.textencoder.prompt.PromptParser.parse("a \\(red\\) circle"));
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).ids()).containsExactly(tokenizer.tokenize("a (red) circle").ids());
    assertThat(chunks.get(0).unweighted()).isTrue();
  }

  @Test
  void longPromptsAreNotTruncatedWhereTheUnetTakesLongerSequences() {
    String words = "red circle ".repeat(75); // 150 tokens
    GenerationResult a = sd.generate(req(words + "on the left").build());
    GenerationResult b = sd.generate(req(words + "on the right").build());
    assertThat(a.warnings()).noneMatch(w -> w.contains("cut off"));
    assertThat(maxDiff(a.first().image(), b.first().image())).as("a word after token 77 matters").isGreaterThan(0);
    // the old behaviour, for comparison: the same prompts cut at 77 tokens would be equal
    TokenizedPrompt ta = ((StableDiffusionPipeline) sd).loadedModel().textEncoder().tokenizer()
        .tokenize(words + "on the left");
    assertThat(ta.truncated()).isTrue();
    GenerationResult xa = xl.generate(req(words + "on the left").build());
    GenerationResult xb = xl.generate(req(words + "on the right").build());
    assertThat(xa.warnings()).noneMatch(w -> w.contains("cut off"));
    assertThat(maxDiff(xa.first().image(), xb.first().image())).isGreaterThan(0);
  }

  @Test
  void callerEmbeddingsGiveThePromptsImage() {
    var te = ((StableDiffusionPipeline) sd).loadedModel().textEncoder();
    FloatTensor cond = te.encode(List.of(te.tokenizer().tokenize("a red circle"))).hiddenStates();
    FloatTensor uncond = te.encode(List.of(te.tokenizer().tokenize("blue"))).hiddenStates();
    BufferedImage plain = image(sd, req("a red circle").build());
    assertThat(maxDiff(image(sd, req("ignored").promptEmbeds(cond, uncond).build()), plain)).isZero();
    assertThat(maxDiff(image(sd, req("ignored").promptEmbeds(cond, null).build()), plain)).isZero();
    assertThatThrownBy(() -> sd.generate(req("x").promptEmbeds(FloatTensor.zeros(1, 77, 5), null).build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("width 5");
    assertThatThrownBy(() -> xl.generate(req("x").promptEmbeds(FloatTensor.zeros(1, 77, 80), null).build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("pooledPromptEmbeds");
  }

  @Test
  void clipSkipPicksAnEarlierLayerOrNamesTheMissingOutput() {
    BufferedImage one = image(xl, req("a red circle").build());
    assertThat(maxDiff(image(xl, req("a red circle").clipSkip(2).build()), one)).isGreaterThan(0);
    assertThat(maxDiff(image(xl, req("a red circle").clipSkip(1).build()), one)).isZero();
    assertThatThrownBy(() -> sd.generate(req("a red circle").clipSkip(2).build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("hidden_states.");
  }

  @Test
  void kohyaAndPeftLorasGiveThePyTorchMergedImage() {
    for (double scale : new double[] {0.5, 1.0}) {
      GenerationRequest r = req("a red circle").build();
      BufferedImage expected = reference("sd15-tiny-merged-a-" + scale, r);
      BufferedImage kohya = image(sd, req("a red circle").lora(ADAPTERS.resolve("sd15-a-kohya.safetensors"), scale).build());
      BufferedImage peft = image(sd, req("a red circle").lora(ADAPTERS.resolve("sd15-a-peft.safetensors"), scale).build());
      assertThat(maxDiff(kohya, image(sd, r))).as("the LoRA changes the image").isGreaterThan(2);
      assertThat(maxDiff(kohya, expected)).as("kohya " + scale).isLessThanOrEqualTo(2);
      assertThat(maxDiff(peft, expected)).as("peft " + scale).isLessThanOrEqualTo(2);
      assertThat(maxDiff(peft, kohya)).isLessThanOrEqualTo(2);

      GenerationRequest rx = req("a red circle").build();
      BufferedImage expectedXl = reference("sdxl-tiny-merged-a-" + scale, rx);
      BufferedImage kx = image(xl, req("a red circle").lora(ADAPTERS.resolve("sdxl-a-kohya.safetensors"), scale).build());
      BufferedImage px = image(xl, req("a red circle").lora(ADAPTERS.resolve("sdxl-a-peft.safetensors"), scale).build());
      assertThat(maxDiff(kx, image(xl, rx))).isGreaterThan(2);
      assertThat(maxDiff(kx, expectedXl)).as("sdxl kohya " + scale).isLessThanOrEqualTo(2);
      assertThat(maxDiff(px, expectedXl)).as("sdxl peft " + scale).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void twoLorasAtOnceAndPromptTags() {
    GenerationRequest r = req("a red circle").build();
    BufferedImage expected = reference("sd15-tiny-merged-a-0.5-b-1.0", r);
    BufferedImage both = image(sd, req("a red circle").lora(ADAPTERS.resolve("sd15-a-kohya.safetensors"), 0.5)
        .lora(ADAPTERS.resolve("sd15-b-kohya.safetensors"), 1.0).build());
    assertThat(maxDiff(both, expected)).isLessThanOrEqualTo(2);
    BufferedImage tagged = image(sd, req("a red circle <lora:sd15-a-kohya:0.5> <lora:sd15-b-kohya>").build());
    assertThat(maxDiff(tagged, expected)).isLessThanOrEqualTo(2);
    assertThatThrownBy(() -> sd.generate(req("a red circle <lora:nothing-here:1>").build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("nothing-here")
        .hasMessageContaining("sd15-a-kohya");
    // back to no adapters: the base image again
    assertThat(maxDiff(image(sd, r), reference("sd15-tiny-merged-a-0.5", r))).isGreaterThan(2);
  }

  @Test
  void unmatchedLoraKeysAreReported() {
    GenerationResult r = sd.generate(req("a red circle").lora(ADAPTERS.resolve("sd15-a-unmatched.safetensors"), 1.0)
        .build());
    assertThat(String.join("\n", r.warnings())).contains("lora_unet_no_such_block_proj").contains("hada_w1_a");
  }

  @Test
  void textualInversionGivesThePyTorchMergedImage() {
    BufferedImage expected = reference("sd15-tiny-ti-reference", req("a purple triangle circle").build());
    BufferedImage withTi = image(sd, req("a wavestyle circle").textualInversion(ADAPTERS.resolve("wavestyle.safetensors"))
        .build());
    assertThat(maxDiff(withTi, expected)).isLessThanOrEqualTo(2);
    assertThat(maxDiff(image(sd, req("a wavestyle circle").build()), expected)).isGreaterThan(2);
    BufferedImage negative = image(sd, req("a red circle").negativePrompt("wavestyle")
        .textualInversion(ADAPTERS.resolve("wavestyle.safetensors")).build());
    assertThat(maxDiff(negative, reference("sd15-tiny-ti-reference", req("a red circle").negativePrompt("purple triangle")
        .build()))).isLessThanOrEqualTo(2);
  }
}
