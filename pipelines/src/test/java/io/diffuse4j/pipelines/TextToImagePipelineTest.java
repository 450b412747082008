package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.Device;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationCancelledException;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.StepEvent;
import io.diffuse4j.api.noise.NoiseKind;
import io.diffuse4j.pipelines.image.PngWriter;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on the SD 1.5-signature fixture model (test-models/sd15-tiny). */
class TextToImagePipelineTest {

  static DiffusionPipeline sd;

  @BeforeAll
  static void load() {
    sd = Diffusion.builder().model(TestModels.dir("sd15-tiny")).warnings(w -> { }).load();
  }

  @AfterAll
  static void close() {
    sd.close();
  }

  private static GenerationRequest.Builder req(String prompt) {
    return GenerationRequest.builder(prompt).steps(4).scheduler("ddim").width(64).height(64);
  }

  private static byte[] png(GenerationResult r) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PngWriter.write(r.first(), out);
    return out.toByteArray();
  }

  @Test
  void sameSeedSameBytesOtherSeedOrPromptOtherImage() throws Exception {
    byte[] a = png(sd.generate(req("a red circle").seed(1).build()));
    byte[] b = png(sd.generate(req("a red circle").seed(1).build()));
    byte[] c = png(sd.generate(req("a red circle").seed(2).build()));
    byte[] d = png(sd.generate(req("a blue square").seed(1).build()));
    assertThat(a).isEqualTo(b);
    assertThat(c).isNotEqualTo(a);
    assertThat(d).isNotEqualTo(a);
  }

  @Test
  void unseededRequestsGetARandomSeedThatReproducesTheImage() throws Exception {
    GenerationRequest unseeded = req("a red circle").build();
    assertThat(unseeded.seed()).isNull();
    GenerationResult a = sd.generate(unseeded);
    GenerationResult b = sd.generate(unseeded);
    long seedA = a.first().parameters().seed();
    assertThat(b.first().parameters().seed()).isNotEqualTo(seedA);
    assertThat(png(b)).isNotEqualTo(png(a));
    GenerationResult again = sd.generate(req("a red circle").seed(seedA).build());
    assertThat(png(again)).isEqualTo(png(a));
    Path dir = Files.createTempDirectory("seed");
    Path file = dir.resolve("a.png");
    try {
      PngWriter.write(a.first(), file);
      assertThat(PngWriter.readParameters(file).seed()).isEqualTo(seedA);
    } finally {
      Files.deleteIfExists(file);
      Files.delete(dir);
    }
  }

  @Test
  void resolvesModelDefaultsAndRecordsThem() {
    GenerationResult r = sd.generate(GenerationRequest.builder("x").steps(2).build());
    var p = r.first().parameters();
    assertThat(p.width()).isEqualTo(sd.model().defaultWidth());
    assertThat(p.scheduler()).isEqualTo(sd.model().defaultScheduler());
    assertThat(p.guidanceScale()).isEqualTo(sd.model().defaultGuidance());
    assertThat(r.first().image().getWidth()).isEqualTo(p.width());
  }

  @Test
  void severalImagesAndGuidanceOffAndNumpyNoise() {
    GenerationResult r = sd.generate(req("x").numImages(2).guidanceScale(1.0).build());
    assertThat(r.images()).hasSize(2);
    assertThat(r.images().get(0).parameters().imageIndex()).isEqualTo(0);
    assertThat(r.images().get(1).parameters().imageIndex()).isEqualTo(1);
    int[] p0 = r.images().get(0).image().getRGB(0, 0, 64, 64, null, 0, 64);
    int[] p1 = r.images().get(1).image().getRGB(0, 0, 64, 64, null, 0, 64);
    assertThat(p0).isNotEqualTo(p1);
    GenerationResult n = sd.generate(req("x").noise(NoiseKind.NUMPY).build());
    assertThat(n.first().parameters().noise()).isEqualTo(NoiseKind.NUMPY);
  }

  @Test
  void badRequestsAreRefusedWithTheFix() {
    assertThatThrownBy(() -> sd.generate(req("x").scheduler("nope").build()))
        .hasMessageContaining("Unknown scheduler 'nope'").hasMessageContaining("ddim");
    assertThatThrownBy(() -> sd.generate(req("x").width(60).build()))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("width"))
        .hasMessageContaining("multiples of");
    assertThatThrownBy(() -> sd.generate(req("x").steps(1001).build()))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("steps"))
        .hasMessageContaining("1000");
    // SD 1.x's steps_offset 1: 1000 DDIM steps start at timestep 1000, refused before any model runs
    assertThatThrownBy(() -> sd.generate(req("x").scheduler("ddim").steps(1000).build()))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("steps"))
        .hasMessageContaining("use at most 999 steps");
  }

  @Test
  void longPromptIsEncodedInWindowsNotCut() {
    String longPrompt = "red ".repeat(100).trim();
    List<String> warnings = new ArrayList<>();
    GenerationResult r = sd.generate(req(longPrompt).build(), new ProgressListener() {
      @Override
      public void onStep(StepEvent e) { }

      @Override
      public void onWarning(String message) {
        warnings.add(message);
      }
    }, () -> false);
    // sd15-tiny's U-Net takes longer sequences: the prompt is encoded in 77-token windows, nothing is cut
    // (U-Nets exported with a fixed 77 truncate with the warning: stages.PromptsTest)
    assertThat(r.warnings()).noneMatch(w -> w.contains("cut off"));
    assertThat(warnings).isEqualTo(r.warnings());
  }

  @Test
  void nonFiniteLatentsStopAndNameTheStep() {
    // test-models/broken-nan-tiny's U-Net returns NaN below timestep 500 (as an overflowing fp16 model would).
    try (DiffusionPipeline broken = Diffusion.builder().model(TestModels.dir("broken-nan-tiny")).warnings(w -> { })
        .load()) {
      assertThatThrownBy(() -> broken.generate(req("x").build()))
          .isInstanceOf(DiffusionException.class).hasMessageContaining("NaN or infinite")
          .hasMessageContaining("at step 3 of 4 (timestep 251");
    }
  }

  @Test
  void progressAndPreviewsEveryStepAndCancellation() {
    List<StepEvent> events = new ArrayList<>();
    sd.generate(req("x").build(), new ProgressListener() {
      @Override
      public void onStep(StepEvent e) {
        events.add(e);
      }

      @Override
      public boolean wantsPreviews() {
        return true;
      }
    }, () -> false);
    assertThat(events).hasSize(4);
    assertThat(events.get(3).preview()).isNotNull();
    AtomicInteger seen = new AtomicInteger();
    assertThatThrownBy(() -> sd.generate(req("x").steps(10).build(), e -> seen.incrementAndGet(),
        () -> seen.get() >= 3))
        .isInstanceOf(GenerationCancelledException.class).hasMessageContaining("after 3 step");
    assertThat(seen.get()).isEqualTo(3);
  }

  /**
   * Hermetic on any machine: a probe load with {@code cuda} tells whether this machine has a usable
   * GPU. With one, CUDA must generate and the fallback must not trigger; without, the load must fail
   * with a message naming CUDA and the CPU (no CLI flags), and the fallback must warn and generate.
   */
  @Test
  void cudaGeneratesOnAGpuAndFailsClearlyOrFallsBackWithout() {
    boolean gpu;
    try (DiffusionPipeline p = Diffusion.builder().model(TestModels.dir("sd15-tiny")).device(Device.parse("cuda"))
        .warnings(w -> { }).load()) {
      gpu = true;
      assertThat(p.generate(req("x").steps(1).build()).images()).hasSize(1);
    } catch (DiffusionException e) {
      gpu = false;
      assertThat(e).hasMessageContaining("CUDA").hasMessageContaining("CPU").hasMessageNotContaining("--");
    }
    List<String> warnings = new ArrayList<>();
    try (DiffusionPipeline p = Diffusion.builder().model(TestModels.dir("sd15-tiny"))
        .device(Device.parse("cuda").withFallbackToCpu(true)).warnings(warnings::add).load()) {
      assertThat(p.generate(req("x").steps(1).build()).images()).hasSize(1);
    }
    if (gpu) {
      assertThat(warnings).noneSatisfy(w -> assertThat(w).contains("Falling back to the CPU"));
    } else {
      assertThat(warnings).anySatisfy(w -> assertThat(w).contains("Falling back to the CPU"));
    }
  }

  private static Path copy(Path src, Path dst) throws Exception {
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : s.toList()) {
        Path t = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return dst;
  }

  @Test
  void truncatedOnnxFileIsNamed(@TempDir Path tmp) throws Exception {
    Path m = copy(TestModels.dir("sd15-tiny"), tmp.resolve("m"));
    Path unet = m.resolve("unet/model.onnx");
    byte[] bytes = Files.readAllBytes(unet);
    Files.write(unet, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    assertThatThrownBy(() -> Diffusion.load(m)).isInstanceOf(DiffusionException.class)
        .hasMessageContaining("unet").hasMessageContaining("truncated");
  }

  @Test
  void partsThatDoNotFitAreRefusedWithTheNumbers(@TempDir Path tmp) throws Exception {
    Path m = copy(TestModels.dir("sd15-tiny"), tmp.resolve("m"));
    Files.copy(TestModels.dir("sd2-tiny-v").resolve("text_encoder/model.onnx"), m.resolve("text_encoder/model.onnx"),
        StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> Diffusion.load(m)).isInstanceOf(DiffusionException.class)
        .hasMessageContaining("don't fit").hasMessageContaining("text_encoder/model.onnx")
        .hasMessageContaining("unet/model.onnx");
  }
}
