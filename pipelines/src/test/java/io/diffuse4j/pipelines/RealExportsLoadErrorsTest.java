package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.diffuse4j.api.pipeline.InvalidModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged copies of a real export (diffusers' script layout): every load failure is an
 * {@link InvalidModelException} naming the file, never a raw exception from a parser or ONNX Runtime.
 */
class RealExportsLoadErrorsTest {

  private static Path copy(Path dir) throws IOException {
    Path src = RealExportsTest.root().resolve("sd15").resolve("diffusers-script");
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : s.toList()) {
        Path t = dir.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return dir;
  }

  private static InvalidModelException load(Path dir) {
    Throwable t = catchThrowable(() -> Diffusion.builder().model(dir).warnings(w -> { }).load().close());
    assertThat(t).isInstanceOf(InvalidModelException.class);
    return (InvalidModelException) t;
  }

  @Test
  void vocabularyWithoutItsSpecialTokensNamesTheTokenizer(@TempDir Path tmp) throws IOException {
    Path dir = copy(tmp);
    Path vocab = dir.resolve("tokenizer/vocab.json");
    Files.writeString(vocab, Files.readString(vocab).replace("\"<|startoftext|>\"", "\"<|start|>\""));
    InvalidModelException e = load(dir);
    assertThat(e.getMessage()).contains("tokenizer").contains("vocab.json");
  }

  @Test
  void truncatedUnetNamesTheFile(@TempDir Path tmp) throws IOException {
    Path dir = copy(tmp);
    Path unet = dir.resolve("unet/model.onnx");
    byte[] b = Files.readAllBytes(unet);
    Files.write(unet, java.util.Arrays.copyOf(b, b.length / 3));
    InvalidModelException e = load(dir);
    assertThat(e.getMessage()).contains("unet").contains("model.onnx");
  }

  @Test
  void truncatedSamplingVaeEncoderNamesTheFile(@TempDir Path tmp) throws IOException {
    Path dir = copy(tmp);
    Path enc = dir.resolve("vae_encoder/model.onnx");
    byte[] b = Files.readAllBytes(enc);
    Files.write(enc, java.util.Arrays.copyOf(b, b.length / 2));
    InvalidModelException e = load(dir);
    assertThat(e.file()).isEqualTo(enc);
  }
}
