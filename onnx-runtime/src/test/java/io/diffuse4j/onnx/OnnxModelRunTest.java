package io.diffuse4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.pipeline.RuntimeOptions;
import io.diffuse4j.api.tensor.FloatTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@link OnnxModel#run} with its reused input buffers, on the VAE decoders of test-models (fp32 and fp16). */
class OnnxModelRunTest {

  static final Path MODELS = Path.of("..", "test-models").toAbsolutePath().normalize();
  private final OnnxSessionFactory factory = new OnnxSessionFactory(RuntimeOptions.defaults(), w -> { });

  private static FloatTensor latent(int seed) {
    float[] v = new float[4 * 8 * 8];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.sin(i * 0.31 + seed);
    }
    return new FloatTensor(new int[] {1, 4, 8, 8}, v);
  }

  private static float[] decode(OnnxModel m, FloatTensor z) {
    String in = m.inputs().keySet().iterator().next();
    String out = m.outputs().keySet().iterator().next();
    return m.run(Map.of(in, TensorValue.of(z)), Set.of(out)).get(out).data();
  }

  @Test
  void repeatedRunsReuseTheInputBufferAndAgree() {
    for (String model : List.of("sd15-tiny", "sd15-tiny-fp16")) {
      try (OnnxModel m = factory.open(MODELS.resolve(model).resolve("vae_decoder/model.onnx"), "vae_decoder")) {
        float[] a = decode(m, latent(1));
        long kept = m.pooledInputBytes();
        assertThat(kept).as(model).isPositive();
        float[] b = decode(m, latent(2));
        float[] again = decode(m, latent(1));
        assertThat(m.pooledInputBytes()).as(model).isEqualTo(kept); // the same buffer, not a new one per run
        assertThat(again).as(model).containsExactly(a);
        assertThat(b).as(model).isNotEqualTo(a);
      }
    }
  }

  @Test
  void concurrentRunsEachReadTheirOwnInput() throws Exception {
    try (OnnxModel m = factory.open(MODELS.resolve("sd15-tiny/vae_decoder/model.onnx"), "vae_decoder")) {
      float[][] expected = new float[6][];
      for (int s = 0; s < expected.length; s++) {
        expected[s] = decode(m, latent(s));
      }
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        List<Future<float[]>> runs = new ArrayList<>();
        for (int r = 0; r < 36; r++) {
          int s = r % expected.length;
          runs.add(pool.submit(() -> decode(m, latent(s))));
        }
        for (int r = 0; r < runs.size(); r++) {
          assertThat(runs.get(r).get()).containsExactly(expected[r % expected.length]);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
