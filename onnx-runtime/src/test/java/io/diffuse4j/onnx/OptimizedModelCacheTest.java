package io.diffuse4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.pipeline.RuntimeOptions;
import io.diffuse4j.api.tensor.FloatTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk cache of optimized models, on the VAE decoder torch.onnx.export wrote for test-models/sd15-tiny. */
class OptimizedModelCacheTest {

  static final Path MODELS = Path.of("..", "test-models").toAbsolutePath().normalize();

  private static OnnxSessionFactory factory(Path cache) {
    return new OnnxSessionFactory(RuntimeOptions.defaults(),
        SessionTuning.defaults().withOptimizedModelCache(Optional.ofNullable(cache)), w -> { });
  }

  private static Path copyOfDecoder(Path dir) throws Exception {
    Path f = dir.resolve("vae_decoder").resolve("model.onnx");
    Files.createDirectories(f.getParent());
    Files.copy(MODELS.resolve("sd15-tiny/vae_decoder/model.onnx"), f);
    return f;
  }

  private static List<Path> entries(Path cache) throws Exception {
    if (!Files.isDirectory(cache)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(cache)) {
      return s.sorted().toList();
    }
  }

  private static FloatTensor decode(OnnxModel m) {
    String in = m.inputs().keySet().iterator().next();
    String out = m.outputs().keySet().iterator().next();
    FloatTensor z = new FloatTensor(new int[] {1, 4, 8, 8}, new float[256]);
    for (int i = 0; i < 256; i++) {
      z.data()[i] = (float) Math.sin(i * 0.37);
    }
    return m.run(Map.of(in, TensorValue.of(z)), Set.of(out)).get(out);
  }

  /** Opens {@code model} through a factory with {@code cache} (null for none), decodes once, closes. */
  private static float[] decodeOnce(Path cache, Path model) {
    try (OnnxModel m = factory(cache).open(model, "vae_decoder")) {
      return decode(m).data();
    }
  }

  @Test
  void theSecondLoadOpensTheCachedEntryAndDecodesTheSame(@TempDir Path tmp) throws Exception {
    Path model = copyOfDecoder(tmp.resolve("model"));
    Path cache = tmp.resolve("cache");
    float[] plain = decodeOnce(null, model);
    assertThat(entries(cache)).isEmpty();
    assertThat(decodeOnce(cache, model)).containsExactly(plain);
    List<Path> written = entries(cache);
    assertThat(written).hasSize(1);
    assertThat(written.get(0).getFileName().toString()).startsWith("vae_decoder-").endsWith(".ort.onnx");
    FileTime first = Files.getLastModifiedTime(written.get(0));
    assertThat(decodeOnce(cache, model)).containsExactly(plain);
    assertThat(entries(cache)).containsExactly(written.get(0));
    assertThat(Files.getLastModifiedTime(written.get(0))).isEqualTo(first); // read, not written again
  }

  @Test
  void aChangedModelFileReplacesItsOldEntry(@TempDir Path tmp) throws Exception {
    Path model = copyOfDecoder(tmp.resolve("model"));
    Path cache = tmp.resolve("cache");
    decodeOnce(cache, model);
    Path old = entries(cache).get(0);
    Files.setLastModifiedTime(model, FileTime.fromMillis(Files.getLastModifiedTime(model).toMillis() - 60_000));
    decodeOnce(cache, model);
    List<Path> now = entries(cache);
    assertThat(now).hasSize(1).doesNotContain(old);
  }

  @Test
  void aKilledWritersLeftoverIsDeletedOnceAbandonedALiveOnesIsKept(@TempDir Path tmp) throws Exception {
    Path model = copyOfDecoder(tmp.resolve("model"));
    Path cache = tmp.resolve("cache");
    decodeOnce(cache, model);
    String entry = entries(cache).get(0).getFileName().toString();
    String prefix = entry.substring(0, entry.lastIndexOf('-') + 1);
    // what a writer killed between ONNX Runtime's write and the rename leaves, and one still writing
    Path abandoned = Files.writeString(cache.resolve(entry + ".0f3c-killed.tmp.onnx"), "half an entry");
    long old = System.currentTimeMillis() - OptimizedModelCache.ABANDONED_AFTER.toMillis() - 60_000;
    Files.setLastModifiedTime(abandoned, FileTime.fromMillis(old));
    Path writing = Files.writeString(cache.resolve(entry + ".77aa-writing.tmp.onnx"), "being written");
    Path otherModels = Files.writeString(cache.resolve("unet-000000000000-0000000000000000.ort.onnx.1.tmp.onnx"), "x");
    Files.setLastModifiedTime(otherModels, FileTime.fromMillis(old));
    assertThat(abandoned.getFileName().toString()).startsWith(prefix);

    Files.setLastModifiedTime(model, FileTime.fromMillis(Files.getLastModifiedTime(model).toMillis() - 60_000));
    decodeOnce(cache, model); // a new entry for the same model file is published

    assertThat(abandoned).doesNotExist();
    assertThat(writing).exists();
    assertThat(otherModels).exists(); // another model file's leftovers wait for that file's next entry
    assertThat(entries(cache).stream().filter(p -> p.getFileName().toString().endsWith(".ort.onnx")))
        .hasSize(1);
  }

  @Test
  void anotherModelFileGetsItsOwnEntry(@TempDir Path tmp) throws Exception {
    Path a = copyOfDecoder(tmp.resolve("a"));
    Path b = copyOfDecoder(tmp.resolve("b"));
    Path cache = tmp.resolve("cache");
    assertThat(decodeOnce(cache, a)).containsExactly(decodeOnce(cache, b));
    assertThat(entries(cache)).hasSize(2);
  }

  @Test
  void aDamagedEntryIsRewrittenNotTrusted(@TempDir Path tmp) throws Exception {
    Path model = copyOfDecoder(tmp.resolve("model"));
    Path cache = tmp.resolve("cache");
    float[] expected = decodeOnce(cache, model);
    Path entry = entries(cache).get(0);
    Files.write(entry, new byte[] {1, 2, 3});
    assertThat(decodeOnce(cache, model)).containsExactly(expected);
    assertThat(Files.size(entry)).isGreaterThan(1000);
  }

  @Test
  void concurrentFirstLoadsLeaveOneWholeEntry(@TempDir Path tmp) throws Exception {
    Path model = copyOfDecoder(tmp.resolve("model"));
    Path cache = tmp.resolve("cache");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    float[] first;
    try {
      List<Future<float[]>> runs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        runs.add(pool.submit(() -> decodeOnce(cache, model)));
      }
      first = runs.get(0).get();
      for (Future<float[]> f : runs) {
        assertThat(f.get()).containsExactly(first);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(entries(cache)).hasSize(1); // no temporary files left behind
    assertThat(decodeOnce(cache, model)).containsExactly(first);
  }

  @Test
  void modelsWithExternalDataAreNotCached(@TempDir Path tmp) throws Exception {
    Path cache = tmp.resolve("cache");
    Path unet = MODELS.resolve("sd15-tiny-external/unet/model.onnx");
    try (OnnxModel m = factory(cache).open(unet, "unet")) {
      assertThat(m.inputs()).containsKey("sample");
    }
    assertThat(entries(cache)).isEmpty();
  }
}
