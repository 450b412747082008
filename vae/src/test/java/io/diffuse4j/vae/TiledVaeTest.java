package io.diffuse4j.vae;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.model.LatentDistribution;
import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import io.diffuse4j.api.pipeline.VaeTiling;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.OnnxSessionFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TiledVaeTest {

  private static final Path MODELS = Path.of("..", "test-models").toAbsolutePath().normalize();
  private final OnnxVaeLoader loader = new OnnxVaeLoader(new OnnxSessionFactory(RuntimeOptions.defaults(), w -> { }));

  private static FloatTensor smooth(int c, int h, int w) {
    FloatTensor t = FloatTensor.zeros(1, c, h, w);
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          t.data()[(ch * h + y) * w + x] = (float) Math.sin(0.11 * x + 0.07 * y + ch);
        }
      }
    }
    return t;
  }

  private static double maxAbsDiff(FloatTensor a, FloatTensor b) {
    double m = 0;
    for (int i = 0; i < a.size(); i++) {
      m = Math.max(m, Math.abs(a.data()[i] - b.data()[i]));
    }
    return m;
  }

  @Test
  void tiledDecodeMatchesUntiledWithinToleranceAndCoversTheImage() {
    try (VaeDecoder vae = loader.loadDecoder(MODELS.resolve("sd15-tiny"))) {
      FloatTensor z = smooth(4, 20, 28); // not a multiple of the tile stride
      FloatTensor whole = vae.decode(z);
      List<int[]> tiles = new ArrayList<>();
      FloatTensor tiled = TiledVae.decode(z, t -> {
        tiles.add(t.shape());
        return vae.decode(t);
      }, 8, 64);
      assertThat(tiled.shape()).containsExactly(whole.shape());
      assertThat(tiles.size()).isGreaterThan(1);
      for (int[] s : tiles) {
        assertThat(s[2]).isLessThanOrEqualTo(8);
        assertThat(s[3]).isLessThanOrEqualTo(8);
      }
      // the tiny decoder's receptive field fits in the overlap: seams blend two near-equal tiles
      assertThat(maxAbsDiff(tiled, whole)).isLessThan(0.05);
    }
  }

  @Test
  void tiledEncodeMatchesUntiledWithinTolerance() {
    try (VaeEncoder enc = loader.loadEncoder(MODELS.resolve("sd15-tiny-optimum")).orElseThrow()) {
      FloatTensor image = smooth(3, 160, 224);
      LatentDistribution whole = enc.encode(image);
      LatentDistribution tiled = TiledVae.encode(image, enc, 8, 64);
      assertThat(tiled.mean().shape()).containsExactly(whole.mean().shape());
      assertThat(tiled.logVariance().shape()).containsExactly(whole.logVariance().shape());
      assertThat(maxAbsDiff(tiled.mean(), whole.mean())).isLessThan(0.05);
      assertThat(maxAbsDiff(tiled.logVariance(), whole.logVariance())).isLessThan(0.05);
    }
  }

  @Test
  void blendingFollowsDiffusers() {
    // blend_v over 4 rows: b[y] = a[-4 + y] * (1 - y/4) + b[y] * y/4
    FloatTensor a = FloatTensor.zeros(1, 1, 6, 2);
    java.util.Arrays.fill(a.data(), 1f);
    FloatTensor b = FloatTensor.zeros(1, 1, 6, 2);
    TiledVae.blendV(a, b, 4);
    assertThat(b.data()[0]).isEqualTo(1f);
    assertThat(b.data()[2]).isEqualTo(0.75f);
    assertThat(b.data()[4]).isEqualTo(0.5f);
    assertThat(b.data()[6]).isEqualTo(0.25f);
    assertThat(b.data()[8]).isEqualTo(0f);
    FloatTensor c = FloatTensor.zeros(1, 1, 2, 6);
    TiledVae.blendH(a.reshape(1, 1, 2, 6), c, 2);
    assertThat(c.data()[0]).isEqualTo(1f);
    assertThat(c.data()[1]).isEqualTo(0.5f);
    assertThat(c.data()[2]).isEqualTo(0f);
  }

  @Test
  void autoTilesOnlyAboveTheBudget() {
    assertThat(TiledVae.shouldTile(VaeTiling.AUTO, 512, 512, 512, TiledVae.DEFAULT_BUDGET_BYTES)).isFalse();
    assertThat(TiledVae.shouldTile(VaeTiling.AUTO, 1024, 1024, 512, TiledVae.DEFAULT_BUDGET_BYTES)).isFalse();
    assertThat(TiledVae.shouldTile(VaeTiling.AUTO, 2048, 2048, 512, TiledVae.DEFAULT_BUDGET_BYTES)).isTrue();
    assertThat(TiledVae.shouldTile(VaeTiling.ON, 1024, 512, 512, TiledVae.DEFAULT_BUDGET_BYTES)).isTrue();
    assertThat(TiledVae.shouldTile(VaeTiling.ON, 512, 512, 512, TiledVae.DEFAULT_BUDGET_BYTES)).isFalse();
    assertThat(TiledVae.shouldTile(VaeTiling.OFF, 4096, 4096, 512, TiledVae.DEFAULT_BUDGET_BYTES)).isFalse();
  }
}
