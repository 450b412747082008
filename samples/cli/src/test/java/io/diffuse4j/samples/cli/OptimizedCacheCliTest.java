package io.diffuse4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate --optimized-cache DIR} and {@code --no-optimized-cache}, on a copy of test-models/sd15-tiny's ONNX files. */
class OptimizedCacheCliTest {

  /** A copy of the model folder without the torch checkpoints test-models keeps beside each model.onnx. */
  private static Path onnxOnly(Path dir) throws Exception {
    DiffuseCliTest.copyModel(dir);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".pt")).toList()) {
        Files.delete(f);
      }
    }
    return dir;
  }

  private static long entries(Path cache) throws Exception {
    if (!Files.isDirectory(cache)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(cache)) {
      return s.filter(p -> p.toString().endsWith(".ort.onnx")).count();
    }
  }

  @Test
  void theCachedLoadDrawsTheSameImageAndNoCacheWritesNothing(@TempDir Path tmp) throws Exception {
    Path model = onnxOnly(tmp.resolve("model"));
    Path cache = tmp.resolve("cache");
    String[] common = {"generate", "--model", model.toString(), "--prompt", "a red circle", "--steps", "3",
        "--scheduler", "ddim", "--seed", "7", "--optimized-cache", cache.toString()};
    DiffuseCliTest.Run plain = DiffuseCliTest.run("generate", "--model", model.toString(), "--prompt", "a red circle",
        "--steps", "3", "--scheduler", "ddim", "--seed", "7", "--no-optimized-cache", "--output",
        tmp.resolve("plain.png").toString());
    assertThat(plain.code()).as(plain.err()).isZero();
    assertThat(entries(cache)).isZero();

    DiffuseCliTest.Run writing = DiffuseCliTest.run(concat(common, "--output", tmp.resolve("first.png").toString()));
    assertThat(writing.code()).as(writing.err()).isZero();
    assertThat(entries(cache)).isEqualTo(4); // text encoder, U-Net, VAE decoder and encoder
    DiffuseCliTest.Run reading = DiffuseCliTest.run(concat(common, "--output", tmp.resolve("second.png").toString()));
    assertThat(reading.code()).as(reading.err()).isZero();
    assertThat(entries(cache)).isEqualTo(4);

    byte[] expected = Files.readAllBytes(tmp.resolve("plain.png"));
    assertThat(Files.readAllBytes(tmp.resolve("first.png"))).isEqualTo(expected);
    assertThat(Files.readAllBytes(tmp.resolve("second.png"))).isEqualTo(expected);
  }

  @Test
  void theDefaultFolderIsInTheUsersPrivateCache() {
    assertThat(OptimizedCacheOptions.folder(null, true)).isEmpty();
    assertThat(OptimizedCacheOptions.folder(Path.of("rel"), false)).contains(Path.of("rel").toAbsolutePath());
    assertThat(OptimizedCacheOptions.folder(null, false)).hasValueSatisfying(p -> {
      assertThat(p.getFileName().toString()).isEqualTo("optimized-models");
      assertThat(p.getParent().getFileName().toString()).isEqualTo("diffuse4j");
    });
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
