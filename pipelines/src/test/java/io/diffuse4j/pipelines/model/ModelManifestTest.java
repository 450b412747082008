package io.diffuse4j.pipelines.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.pipelines.Diffusion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Optional SHA-256 verification of a model folder against its SHA256SUMS manifest (issue #13). */
class ModelManifestTest {

  static final Path MODEL = Path.of("..", "test-models", "sd15-tiny").toAbsolutePath().normalize();

  @TempDir Path tmp;
  Path dir;

  @BeforeEach
  void copyModel() throws IOException {
    dir = tmp.resolve("model");
    try (Stream<Path> s = Files.walk(MODEL)) {
      for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
        Path q = dir.resolve(MODEL.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
  }

  private DiffusionPipeline load(boolean verify) {
    return Diffusion.builder().model(dir).verifyModel(verify).warnings(w -> { }).load();
  }

  private static GenerationRequest request() {
    return GenerationRequest.builder("a red circle").steps(2).size(64, 64).scheduler("ddim").seed(1).build();
  }

  @Test
  void aGoodManifestPassesAndTheModelLoads() {
    Path manifest = ModelManifest.write(dir);
    assertThat(manifest).isEqualTo(dir.resolve("SHA256SUMS"));
    assertThat(ModelManifest.read(dir).files()).containsKeys("unet/model.onnx", "model_index.json",
        "tokenizer/vocab.json").hasSize(15);
    try (DiffusionPipeline p = load(true)) {
      assertThat(p.generate(request()).images()).hasSize(1);
    }
  }

  @Test
  void aBitFlippedWeightByteIsRefusedNamingTheFile() throws IOException {
    ModelManifest.write(dir);
    Path unet = dir.resolve("unet").resolve("model.onnx");
    byte[] b = Files.readAllBytes(unet);
    b[(int) (b.length * 0.6)] ^= 0x01; // inside the weights: the model still loads and draws without verification
    Files.write(unet, b);
    try (DiffusionPipeline p = load(false)) {
      assertThat(p.generate(request()).images()).as("without --verify a weight flip goes unnoticed").hasSize(1);
    }
    assertThatThrownBy(() -> load(true)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.file()).isEqualTo(unet))
        .hasMessageContaining(unet.toString()).hasMessageContaining("SHA-256").hasMessageContaining("manifest says");
  }

  @Test
  void aMissingManifestExplainsHowToMakeOne() {
    assertThatThrownBy(() -> load(true)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.file()).isEqualTo(dir.resolve("SHA256SUMS")))
        .hasMessageContaining("no SHA256SUMS manifest").hasMessageContaining("ModelManifest.write")
        .hasMessageContaining("sha256sum");
  }

  @Test
  void missingUnlistedAndLinkedFilesAreRefused() throws IOException {
    ModelManifest.write(dir);
    Path extra = dir.resolve("unet").resolve("extra.onnx_data");
    Files.write(extra, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> load(true)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining(extra + " is not listed");
    Files.delete(extra);
    Path vocab = dir.resolve("tokenizer").resolve("vocab.json");
    Path aside = tmp.resolve("vocab.json");
    Files.move(vocab, aside);
    assertThatThrownBy(() -> load(true)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining(vocab + " is listed").hasMessageContaining("missing");
    Files.createSymbolicLink(vocab, aside);
    assertThatThrownBy(() -> load(true)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining(vocab + " is a symbolic link");
  }

  @Test
  void malformedManifestLinesAreNamed() throws IOException {
    Files.writeString(dir.resolve("SHA256SUMS"), "0".repeat(64) + "  model_index.json\nnot a line\n");
    assertThatThrownBy(() -> ModelManifest.read(dir)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("line 2");
    Files.writeString(dir.resolve("SHA256SUMS"), "0".repeat(64) + "  ../outside.onnx\n");
    assertThatThrownBy(() -> ModelManifest.read(dir)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("line 1").hasMessageContaining("inside the folder");
  }

  /** The manifest is GNU sha256sum's format both ways: the real tool checks ours and we read its. */
  @Test
  void gnuSha256sumChecksOurManifestAndWritesOneWeRead() throws Exception {
    ModelManifest.write(dir);
    Process check = new ProcessBuilder("sha256sum", "--check", "--quiet", "SHA256SUMS").directory(dir.toFile())
        .redirectErrorStream(true).start();
    String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor()).as(out).isZero();
    String ours = Files.readString(dir.resolve("SHA256SUMS"));
    Files.delete(dir.resolve("SHA256SUMS"));
    // the command the docs and the error message give
    Process make = new ProcessBuilder("sh", "-c", "find . -type f ! -name SHA256SUMS -printf '%P\\0' | sort -z"
        + " | xargs -0 sha256sum > SHA256SUMS").directory(dir.toFile()).redirectErrorStream(true).start();
    assertThat(make.waitFor()).isZero();
    assertThat(Files.readString(dir.resolve("SHA256SUMS"))).isEqualTo(ours);
    ModelManifest.read(dir).verify(dir);
  }

  /** The bundled model is verified against the manifest in its jar on every use, verifyModel or not. */
  @Test
  void theBundledModelLoadsWithVerification() {
    try (DiffusionPipeline p = Diffusion.builder().verifyModel(true).warnings(w -> { }).load()) {
      assertThat(p.model().name()).isNotBlank();
    }
  }
}
