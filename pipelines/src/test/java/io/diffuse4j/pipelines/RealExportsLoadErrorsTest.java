package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.diffuse4j.api.pipeline.InvalidModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged copies of a real export (diffusers' script layout): every load failure is an
 * {@link InvalidModelException} naming the file, never a raw exception from a parser or ONNX Runtime.
 */
class RealExportsLoadErrorsTest {

  private static Path copy(Path dir) throws Exception {
    HostileModelFilesTest.copyTree(RealExportsTest.root().resolve("sd15").resolve("diffusers-script"), dir);
    return dir;
  }

  private static InvalidModelException load(Path dir) {
    Throwable t = catchThrowable(() -> Diffusion.builder().model(dir).warnings(w -> { }).load().close());
    assertThat(t).isInstanceOf(InvalidModelException.class);
    return (InvalidModelException) t;
  }

  @Test
  void vocabularyWithoutItsSpecialTokensNamesTheTokenizer(@TempDir Path tmp) throws Exception {
    Path dir = copy(tmp);
    Path vocab = dir.resolve("tokenizer/vocab.json");
    Files.writeString(vocab, Files.readString(vocab).replace("\"<|startoftext|>\"", "\"<|start|>\""));
    InvalidModelException e = load(dir);
    assertThat(e.getMessage()).contains("tokenizer").contains("vocab.json");
  }

  @Test
  void truncatedUnetNamesTheFile(@TempDir Path tmp) throws Exception {
    Path dir = copy(tmp);
    Path unet = dir.resolve("unet/model.onnx");
    byte[] b = Files.readAllBytes(unet);
    Files.write(unet, java.util.Arrays.copyOf(b, b.length / 3));
    InvalidModelException e = load(dir);
    assertThat(e.getMessage()).contains("unet").contains("model.onnx");
  }

  @Test
  void truncatedSamplingVaeEncoderNamesTheFile(@TempDir Path tmp) throws Exception {
    Path dir = copy(tmp);
    Path enc = dir.resolve("vae_encoder/model.onnx");
    byte[] b = Files.readAllBytes(enc);
    Files.write(enc, java.util.Arrays.copyOf(b, b.length / 2));
    InvalidModelException e = load(dir);
    assertThat(e.file()).isEqualTo(enc);
  }

  /**
   * A VAE encoder that samples inside its graph in a shape diffuse4j cannot cut to its moments
   * ({@code tools/real-exports/uncuttable_encoder.py}: the draw passes a Mul by 1 first): it still loads,
   * with a warning naming the file, saying image-to-image is not reproducible and how to re-export; and
   * the warning is true (the same seed twice gives different images). The cuttable original gives no
   * such warning and byte-identical images (RealExportsTest).
   */
  @Test
  void uncuttableSamplingEncoderWarnsThatImageToImageIsNotReproducible(@TempDir Path tmp) throws Exception {
    Path dir = copy(tmp);
    Path enc = dir.resolve("vae_encoder/model.onnx");
    Files.copy(RealExportsTest.root().resolve("variants/vae-encoder-sampling-uncut.onnx"), enc,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (var p = Diffusion.builder().model(dir).warnings(warnings::add).load()) {
      assertThat(warnings).anySatisfy(w -> assertThat(w).contains(enc.toString()).contains("not reproducible")
          .contains("optimum 1.20"));
      var r = io.diffuse4j.api.pipeline.GenerationRequest.builder("a red circle on a blue background").seed(42)
          .width(64).height(64).steps(3).guidanceScale(1.0).scheduler("ddim")
          .initImage(javax.imageio.ImageIO.read(RealExportsTest.root().resolve("sd15/references/init-64x64.png")
              .toFile())).strength(0.6).build();
      byte[] a = RealExportsTest.png(p.generate(r).first());
      byte[] b = RealExportsTest.png(p.generate(r).first());
      assertThat(a).as("ONNX Runtime's own draw inside the graph").isNotEqualTo(b);
    }
    java.util.List<String> original = new java.util.concurrent.CopyOnWriteArrayList<>();
    Diffusion.builder().model(RealExportsTest.root().resolve("sd15/diffusers-script")).warnings(original::add).load()
        .close();
    assertThat(original).noneMatch(w -> w.contains("not reproducible"));
  }
}
