package io.diffuse4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.InvalidModelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External data must stay inside the model folder; empty and truncated files are named (issue #13). */
class ModelFileCheckTest {

  static final Path MODELS = Path.of("..", "test-models").toAbsolutePath().normalize();

  @Test
  void everyTestModelPasses() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.walk(MODELS)) {
      files = s.filter(p -> p.getFileName().toString().equals("model.onnx")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(20);
    for (Path f : files) {
      ModelFileCheck.Result r = ModelFileCheck.check(f, "part");
      if (f.toString().contains("sd15-tiny-external/unet")) {
        assertThat(r.externalFiles()).containsExactly(f.getParent().resolve("model.onnx_data"));
        assertThat(r.tensorsWithExternalData()).isEqualTo(18);
      } else {
        assertThat(r.externalFiles()).as(f.toString()).allSatisfy(x -> assertThat(x).startsWith(f.getParent()));
      }
    }
  }

  /** The external model with its location "model.onnx_data" changed to another 15-character path. */
  static Path withLocation(Path dir, String location) throws Exception {
    assertThat(location).hasSize(15);
    Path unet = Files.createDirectories(dir.resolve("model/unet"));
    Path src = MODELS.resolve("sd15-tiny-external/unet");
    byte[] model = Files.readAllBytes(src.resolve("model.onnx"));
    byte[] from = "model.onnx_data".getBytes(StandardCharsets.US_ASCII);
    byte[] to = location.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + from.length <= model.length; i++) {
      if (Arrays.equals(model, i, i + from.length, from, 0, from.length)) {
        System.arraycopy(to, 0, model, i, to.length);
      }
    }
    Files.write(unet.resolve("model.onnx"), model);
    Files.copy(src.resolve("model.onnx_data"), unet.resolve("model.onnx_data"));
    return unet.resolve("model.onnx");
  }

  @Test
  void externalDataOutsideTheFolderIsRefused(@TempDir Path dir) throws Exception {
    Path outside = Files.createDirectories(dir.resolve("model/outside"));
    Files.copy(MODELS.resolve("sd15-tiny-external/unet/model.onnx_data"), outside.resolve("data"));
    Path model = withLocation(dir, "../outside/data");
    assertThatThrownBy(() -> ModelFileCheck.check(model, "unet")).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("../outside/data").hasMessageContaining("climbs out")
        .hasMessageContaining(model.toString());
    Path abs = withLocation(Files.createDirectories(dir.resolve("b")), "/etc/passwd0000");
    assertThatThrownBy(() -> ModelFileCheck.check(abs, "unet")).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("absolute");
    // a link inside the folder that points outside it
    Path linked = withLocation(Files.createDirectories(dir.resolve("c")), "link/onnx_data0");
    Files.createSymbolicLink(linked.getParent().resolve("link"), outside);
    Files.copy(outside.resolve("data"), outside.resolve("onnx_data0"));
    assertThatThrownBy(() -> ModelFileCheck.check(linked, "unet")).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("symbolic link");
  }

  @Test
  void sessionFactoryRefusesBeforeOnnxRuntimeReadsTheFile(@TempDir Path dir) throws Exception {
    Path outside = Files.createDirectories(dir.resolve("model/outside"));
    Files.copy(MODELS.resolve("sd15-tiny-external/unet/model.onnx_data"), outside.resolve("data"));
    Path model = withLocation(dir, "../outside/data");
    OnnxSessionFactory f = new OnnxSessionFactory(io.diffuse4j.api.pipeline.RuntimeOptions.defaults(), w -> { });
    assertThatThrownBy(() -> f.open(model, "unet")).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("outside");
  }

  @Test
  void missingAndTruncatedDataFilesAreNamed(@TempDir Path dir) throws Exception {
    Path model = withLocation(dir, "missing_data.on");
    assertThatThrownBy(() -> ModelFileCheck.check(model, "unet")).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("does not exist");
    Path cut = withLocation(Files.createDirectories(dir.resolve("x")), "model.onnx_data");
    Path data = cut.getParent().resolve("model.onnx_data");
    Files.write(data, Arrays.copyOf(Files.readAllBytes(data), 1000));
    assertThatThrownBy(() -> ModelFileCheck.check(cut, "unet")).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("truncated").hasMessageContaining("1000 bytes");
  }

  @Test
  void emptyTruncatedAndJunkModelsAreNamed(@TempDir Path dir) throws Exception {
    Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
    assertThatThrownBy(() -> ModelFileCheck.check(empty, "unet")).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("empty (0 bytes)");
    byte[] real = Files.readAllBytes(MODELS.resolve("sd15-tiny/unet/model.onnx"));
    Path cut = Files.write(dir.resolve("cut.onnx"), Arrays.copyOf(real, real.length / 2));
    assertThatThrownBy(() -> ModelFileCheck.check(cut, "unet")).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("cut.onnx");
    Path png = Files.write(dir.resolve("junk.onnx"), "\u0089PNG not a model at all".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> ModelFileCheck.check(png, "unet")).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("junk.onnx");
  }
}
