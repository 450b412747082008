package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.pipelines.image.PngWriter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every folder under {@code test-models/real/<family>/<exporter>/}, exactly as diffusers' conversion
 * script and optimum 1.19.2 / 1.23.3 wrote it (plus fp16 conversions), loads unchanged and draws the
 * image diffusers' own PyTorch pipeline drew from the same weights and seed
 * ({@code test-models/real/<family>/references/}, recipe in {@code cases.json}; regenerate with
 * {@code tools/real-exports/make_fixtures.py}). Image-to-image from the same seed twice gives
 * byte-identical PNGs on every export.
 */
class RealExportsTest {

  /** Max per-channel difference from diffusers' image, in 1/255 (fp32 exports). */
  static final int FP32_TOLERANCE = 2;
  /**
   * fp16 exports: weights and activations rounded to 11 significant bits (relative error ~5e-4 per
   * operation) through every layer. Measured on these fixtures: 1/255 for every text-to-image and
   * image-to-image case; 9/255 for 4-channel inpainting at strength 0.75, whose kept region is the
   * init image through the fp16 VAE encoder and decoder (this tiny random VAE amplifies by ~3 before
   * clamping). 10/255 bounds that; fp32 exports stay at 2/255.
   */
  static final int FP16_TOLERANCE = 10;

  /** The case names of {@code make_fixtures.py}'s {@code SCHEDULERS} as diffuse4j's scheduler names. */
  private static final Map<String, String> SCHEDULERS = Map.ofEntries(Map.entry("pndm", "pndm"),
      Map.entry("ddim", "ddim"), Map.entry("ddpm", "ddpm"), Map.entry("euler", "euler"),
      Map.entry("euler_a", "euler-a"), Map.entry("heun", "heun"), Map.entry("dpmpp", "dpm++2m"),
      Map.entry("dpmpp_karras", "dpm++2m-karras"), Map.entry("dpmpp_sde", "dpm++2m-sde"), Map.entry("lms", "lms"),
      Map.entry("unipc", "unipc"), Map.entry("lcm", "lcm"));

  /**
   * {@code test-models/real}, or the folder named by the system property {@code diffuse4j.realExports}
   * (same layout: {@code <family>/references/cases.json} beside export folders), to run these checks on
   * other exports and cases ({@code mvn -B verify -pl pipelines -am -Dtest=RealExportsTest
   * -Dsurefire.failIfNoSpecifiedTests=false -Ddiffuse4j.realExports=/path}).
   */
  static Path root() {
    String other = System.getProperty("diffuse4j.realExports", "");
    return (other.isEmpty() ? Path.of("..", "test-models", "real") : Path.of(other)).toAbsolutePath().normalize();
  }

  static List<Path> exports(Path family) throws IOException {
    try (Stream<Path> s = Files.list(family)) {
      return s.filter(p -> Files.isRegularFile(p.resolve("model_index.json"))).sorted().toList();
    }
  }

  static JsonNode cases(Path family) throws IOException {
    return new ObjectMapper().readTree(family.resolve("references").resolve("cases.json").toFile());
  }

  @TestFactory
  Stream<DynamicTest> everyExportDrawsDiffusersImage() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    List<Path> families;
    try (Stream<Path> s = Files.list(root())) {
      families = s.filter(p -> Files.isDirectory(p.resolve("references"))).sorted().toList();
    }
    boolean committed = System.getProperty("diffuse4j.realExports", "").isEmpty();
    assertThat(families).as("families under " + root()).hasSizeGreaterThanOrEqualTo(committed ? 6 : 1);
    for (Path family : families) {
      List<Path> exports = exports(family);
      assertThat(exports).as("exports of " + family).isNotEmpty();
      for (Path export : exports) {
        String name = family.getFileName() + "/" + export.getFileName();
        tests.add(DynamicTest.dynamicTest(name, () -> checkExport(family, export)));
      }
    }
    return tests.stream();
  }

  private static void checkExport(Path family, Path export) throws IOException {
    JsonNode cases = cases(family);
    boolean fp16 = export.getFileName().toString().contains("fp16");
    int tolerance = fp16 ? FP16_TOLERANCE : FP32_TOLERANCE;
    List<String> failures = new ArrayList<>();
    List<String> passed = new ArrayList<>();
    try (DiffusionPipeline p = Diffusion.builder().model(export).warnings(w -> { }).load()) {
      for (JsonNode c : cases.path("cases")) {
        GenerationRequest r = request(family, c);
        GeneratedImage first = p.generate(r).first();
        BufferedImage want = ImageIO.read(family.resolve("references").resolve(c.path("image").asText()).toFile());
        int diff = maxDiff(first.image(), want);
        (diff <= tolerance ? passed : failures).add(c.path("id").asText() + " max " + diff + "/255");
        if (!"txt2img".equals(c.path("mode").asText())) {
          byte[] a = png(first);
          byte[] b = png(p.generate(r).first());
          if (!java.util.Arrays.equals(a, b)) {
            failures.add(c.path("id").asText() + ": the same seed twice gave different PNGs");
          }
        }
      }
    }
    System.out.println("real export " + family.getFileName() + "/" + export.getFileName() + ": " + passed);
    assertThat(failures).as(export + " vs diffusers (tolerance " + tolerance + "/255; passed " + passed + ")")
        .isEmpty();
  }

  static GenerationRequest request(Path family, JsonNode c) throws IOException {
    GenerationRequest.Builder b = GenerationRequest.builder(c.path("prompt").asText()).seed(c.path("seed").asLong())
        .width(c.path("width").asInt()).height(c.path("height").asInt());
    if (!c.path("use_defaults").asBoolean(false)) {
      b.steps(c.path("steps").asInt()).guidanceScale(c.path("guidance").asDouble());
    }
    if (c.hasNonNull("negative")) {
      b.negativePrompt(c.path("negative").asText());
    }
    if (c.hasNonNull("scheduler")) {
      b.scheduler(SCHEDULERS.get(c.path("scheduler").asText()));
    }
    Path refs = family.resolve("references");
    if (c.hasNonNull("init_image")) {
      b.initImage(ImageIO.read(refs.resolve(c.path("init_image").asText()).toFile()))
          .strength(c.path("strength").asDouble());
    }
    if (c.hasNonNull("mask_image")) {
      b.mask(ImageIO.read(refs.resolve(c.path("mask_image").asText()).toFile()));
    }
    return b.build();
  }

  static byte[] png(GeneratedImage img) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PngWriter.write(img, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int maxDiff(BufferedImage a, BufferedImage b) {
    assertThat(a.getWidth()).isEqualTo(b.getWidth());
    assertThat(a.getHeight()).isEqualTo(b.getHeight());
    int max = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int s = 0; s < 24; s += 8) {
          max = Math.max(max, Math.abs(((p >> s) & 0xFF) - ((q >> s) & 0xFF)));
        }
      }
    }
    return max;
  }
}
