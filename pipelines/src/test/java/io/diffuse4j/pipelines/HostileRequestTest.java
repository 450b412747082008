package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests a hostile caller sends (issue #13): each an image or a clear error naming the field. */
class HostileRequestTest {

  static final Path MODEL = Path.of("..", "test-models", "sd15-tiny").toAbsolutePath().normalize();
  static DiffusionPipeline pipeline;

  @BeforeAll
  static void load() {
    pipeline = Diffusion.load(MODEL);
  }

  @AfterAll
  static void close() {
    pipeline.close();
  }

  static GenerationRequest.Builder small(String prompt) {
    return GenerationRequest.builder(prompt).steps(2).size(64, 64).scheduler("ddim");
  }

  @Test
  void enormousSizeIsRefusedAtOnceWithTheEstimate() {
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> pipeline.generate(small("x").size(8192, 8192).build()))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("width"))
        .hasMessageContaining("8192x8192").hasMessageContaining("estimated").hasMessageContaining("TB")
        .hasMessageContaining("tiled VAE");
    System.out.printf("8192x8192 refused in %.1f ms%n", (System.nanoTime() - t0) / 1e6);
    assertThatThrownBy(() -> pipeline.generate(small("x").size(65536, 65536).build()))
        .isInstanceOf(InvalidRequestException.class);
    // the usual sizes fit
    assertThat(((StableDiffusionPipeline) pipeline).estimateMemory(512, 512, 1, true)).isLessThan(8L << 30);
  }

  @Test
  void budgetIsConfigurable() {
    try (DiffusionPipeline tight = Diffusion.builder().model(MODEL).memoryBudget(1 << 20).load()) {
      assertThatThrownBy(() -> tight.generate(small("x").build())).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("1.0 MB budget");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\u0000\u0001\u001b[31mred\u001b[0m\r\n\t", "lone \uD800 surrogate \uDC00",
      "emoji 🐱‍👤🎨 and flags 🇫🇷", "שלום עולם مرحبا بالعالم", "\u202Eright-to-left override", "日本語のプロンプト"})
  void oddPromptsGiveImages(String prompt) {
    GenerationResult r = pipeline.generate(small(prompt).negativePrompt(prompt).build());
    assertThat(r.images()).hasSize(1);
    assertThat(r.first().parameters().prompt()).isEqualTo(prompt);
  }

  @Test
  void megabytePromptIsRefusedAndLongPromptsWarnBriefly() {
    assertThatThrownBy(() -> pipeline.generate(small("a".repeat(1 << 20)).build()))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("prompt"))
        .hasMessageContaining("1048576 characters");
    GenerationResult r = pipeline.generate(small("red circle ".repeat(5000)).build());
    assertThat(r.warnings()).allSatisfy(w -> assertThat(w).hasSizeLessThan(3000)); // dropped text is cut
  }

  @Test
  void nonFiniteAndHugeGuidanceAndEtaAreRefused() {
    for (double g : new double[] {Double.POSITIVE_INFINITY, 1e30, 101}) {
      assertThatThrownBy(() -> pipeline.generate(small("x").guidanceScale(g).build())).as("guidance " + g)
          .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("guidanceScale"));
    }
    assertThatThrownBy(() -> small("x").guidanceScale(Double.NaN).build()).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> small("x").guidanceScale(-1.0).build()).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> pipeline.generate(small("x").eta(Double.POSITIVE_INFINITY).build()))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("eta"));
    for (double eta : new double[] {Double.NaN, -1}) {
      assertThatThrownBy(() -> small("x").eta(eta).build()).isInstanceOf(InvalidRequestException.class);
    }
    for (double st : new double[] {Double.NaN, -0.1, 1.5, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> small("x").strength(st).build()).isInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void oddSizesAndStepsGiveClearErrors() {
    assertThatThrownBy(() -> small("x").size(0, 64).build()).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> small("x").size(64, -8).build()).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> pipeline.generate(small("x").size(65, 64).build())).isInstanceOf(RuntimeException.class)
        .hasMessageContaining("multiples");
    assertThatThrownBy(() -> small("x").steps(0).build()).isInstanceOf(InvalidRequestException.class);
    assertThat(pipeline.generate(small("x").steps(1).build()).images()).hasSize(1);
    assertThatThrownBy(() -> pipeline.generate(small("x").steps(100_000).build()))
        .hasMessageContaining("num_train_timesteps");
    // 999 steps with every scheduler: HostileSchedulerConfigTest (UniPC threw ArrayIndexOutOfBoundsException)
  }

  @Test
  void maskOfAnotherAspectRatioIsWarned() {
    BufferedImage init = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    BufferedImage wide = new BufferedImage(128, 32, BufferedImage.TYPE_INT_RGB);
    GenerationResult r = pipeline.generate(small("x").initImage(init).mask(wide).strength(0.5).build());
    assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("mask").contains("128x32").contains("stretched"));
  }
}
