package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.pipelines.stages.Tensors;
import io.diffuse4j.api.pipeline.GenerationCancelledException;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.pipelines.image.Images;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Image-to-image, inpainting, previews and cancellation on the bundled model. */
class BundledModelImageToImageTest {

  static DiffusionPipeline sd;

  @BeforeAll
  static void load() {
    sd = Diffusion.builder().warnings(w -> { }).load();
  }

  @AfterAll
  static void close() {
    sd.close();
  }

  /** A red square on a blue background, drawn like the bundled model's world. */
  static BufferedImage scene() {
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(40, 80, 220));
    g.fillRect(0, 0, 64, 64);
    g.setColor(new Color(220, 40, 40));
    g.fillRect(20, 20, 24, 24);
    g.dispose();
    return img;
  }

  static double meanAbsDiff(BufferedImage a, BufferedImage b, boolean insideSquare) {
    long sum = 0;
    int n = 0;
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        boolean in = x >= 20 && x < 44 && y >= 20 && y < 44;
        if (in != insideSquare) {
          continue;
        }
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int s = 0; s < 24; s += 8) {
          sum += Math.abs(((p >> s) & 0xFF) - ((q >> s) & 0xFF));
        }
        n += 3;
      }
    }
    return sum / (double) n;
  }

  static int[] meanRgb(BufferedImage img, boolean insideSquare) {
    long[] s = new long[3];
    int n = 0;
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        boolean in = x >= 22 && x < 42 && y >= 22 && y < 42;
        boolean out = x < 14 || x >= 50 || y < 14 || y >= 50;
        if (insideSquare ? !in : !out) {
          continue;
        }
        int p = img.getRGB(x, y);
        s[0] += (p >> 16) & 0xFF;
        s[1] += (p >> 8) & 0xFF;
        s[2] += p & 0xFF;
        n++;
      }
    }
    return new int[] {(int) (s[0] / n), (int) (s[1] / n), (int) (s[2] / n)};
  }

  private static GenerationRequest.Builder img2img(String prompt, double strength) {
    return GenerationRequest.builder(prompt).initImage(scene()).strength(strength).steps(20).scheduler("ddim")
        .seed(3);
  }

  /** The init image through the bundled VAE and back, as the pipeline computes it. */
  static BufferedImage vaeRoundTrip(BufferedImage img) {
    var m = ((StableDiffusionPipeline) sd).loadedModel();
    double sf = m.vaeDecoder().scalingFactor();
    var z = Tensors.scale(m.vaeEncoder().orElseThrow().encode(Images.toTensor(img, 64, 64)).mean(), sf);
    return Images.toImage(m.vaeDecoder().decode(Tensors.scale(z, 1.0 / sf)), 0);
  }

  @Test
  void strengthZeroReturnsTheInitImageUpToTheVaeRoundTrip() {
    BufferedImage out = sd.generate(img2img("a red square on a blue background", 0).build()).first().image();
    BufferedImage roundTrip = vaeRoundTrip(scene());
    assertThat(meanAbsDiff(out, roundTrip, false) + meanAbsDiff(out, roundTrip, true)).isZero();
    // the round trip's own error, measured on this scene: mean |error| per channel out of 255
    double err = (meanAbsDiff(roundTrip, scene(), false) + meanAbsDiff(roundTrip, scene(), true)) / 2;
    System.out.printf("bundled VAE round trip: mean abs error %.2f / 255%n", err);
    assertThat(err).isLessThan(20);
  }

  /**
   * diffusers' {@code StableDiffusionImg2ImgPipeline} noises the init latents to the first timestep at
   * strength 1 too ({@code add_noise}, not pure noise): the init image still shows through, so strength 1
   * is not text-to-image (the real-export references check the numbers: RealExportsTest,
   * {@code img2img-dpmpp-1.0}, {@code img2img-1.0-4}).
   */
  @Test
  void strengthOneStillStartsFromTheInitImage() {
    BufferedImage i2i = sd.generate(img2img("a green circle on a white background", 1).build()).first().image();
    BufferedImage t2i = sd.generate(GenerationRequest.builder("a green circle on a white background").steps(20)
        .scheduler("ddim").seed(3).build()).first().image();
    assertThat(meanAbsDiff(i2i, t2i, false) + meanAbsDiff(i2i, t2i, true)).isPositive();
  }

  @Test
  void aMaskThatKeepsEverythingReturnsTheInput() {
    BufferedImage keepAll = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY); // black: keep
    BufferedImage out = sd.generate(img2img("a yellow circle on a black background", 1.0).mask(keepAll).build())
        .first().image();
    BufferedImage roundTrip = vaeRoundTrip(scene());
    assertThat(meanAbsDiff(out, roundTrip, false) + meanAbsDiff(out, roundTrip, true)).isZero();
  }

  @Test
  void repaintingTheBackgroundChangesItsColourAndKeepsTheShape() {
    BufferedImage mask = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = mask.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 64, 64);
    g.setColor(Color.BLACK);
    g.fillRect(18, 18, 28, 28); // keep the square (and a margin)
    g.dispose();
    BufferedImage out = sd.generate(img2img("a red square on a yellow background", 1.0).mask(mask).build())
        .first().image();
    int[] bg = meanRgb(out, false);
    int[] sq = meanRgb(out, true);
    // yellow (240, 220, 50): red and green high, blue low; the square stays red (220, 40, 40)
    assertThat(bg[0]).isGreaterThan(170);
    assertThat(bg[1]).isGreaterThan(150);
    assertThat(bg[2]).isLessThan(120);
    assertThat(sq[0]).isGreaterThan(170);
    assertThat(sq[1]).isLessThan(100);
  }

  @Test
  void outpaintingExtendsTheCanvasAndKeepsTheOriginal() {
    BufferedImage small = new BufferedImage(48, 64, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = small.createGraphics();
    g.setColor(new Color(40, 80, 220));
    g.fillRect(0, 0, 48, 64);
    g.dispose();
    var canvas = io.diffuse4j.pipelines.image.Outpainting.extend(small, 0, 0, 16, 0);
    assertThat(canvas.image().getWidth()).isEqualTo(64);
    assertThat(canvas.mask().getRaster().getSample(60, 10, 0)).isEqualTo(255);
    assertThat(canvas.mask().getRaster().getSample(10, 10, 0)).isZero();
    assertThatThrownBy(() -> io.diffuse4j.pipelines.image.Outpainting.extend(small, -1, 0, 0, 0))
        .hasMessageContaining("margins must be >= 0");
    BufferedImage out = sd.generate(GenerationRequest.builder("a red circle on a blue background").seed(2)
        .initImage(canvas.image()).mask(canvas.mask()).strength(1.0).steps(20).scheduler("ddim").build())
        .first().image();
    // the kept part stays blue (up to the VAE round trip)
    int p = out.getRGB(10, 30);
    assertThat(p & 0xFF).isGreaterThan(150);
    assertThat((p >> 16) & 0xFF).isLessThan(110);
  }

  @Test
  void cancellingFromAnotherThreadStopsWithinOneStep() throws Exception {
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try {
      AtomicInteger steps = new AtomicInteger();
      CompletableFuture<GenerationResult>[] f = new CompletableFuture[1];
      java.util.concurrent.CountDownLatch third = new java.util.concurrent.CountDownLatch(1);
      f[0] = sd.generateAsync(GenerationRequest.builder("a red circle on a blue background").steps(50).build(),
          e -> {
            if (steps.incrementAndGet() == 3) {
              third.countDown();
            }
          }, worker);
      assertThat(third.await(60, TimeUnit.SECONDS)).isTrue();
      f[0].cancel(false);
      assertThatThrownBy(f[0]::join).isInstanceOf(CancellationException.class);
      worker.shutdown();
      assertThat(worker.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      assertThat(steps.get()).isLessThanOrEqualTo(4);
      // the pipeline is still usable afterwards
      assertThat(sd.generate(GenerationRequest.builder("a red circle on a blue background").steps(2).build())
          .images()).hasSize(1);
    } finally {
      worker.shutdownNow();
    }
  }

  @Test
  void previewsFollowTheImage() {
    BufferedImage[] last = new BufferedImage[1];
    BufferedImage out = sd.generate(GenerationRequest.builder("a red circle on a blue background").steps(20)
        .build(), new io.diffuse4j.api.pipeline.ProgressListener() {
          @Override
          public void onStep(io.diffuse4j.api.pipeline.StepEvent e) {
            last[0] = e.preview();
          }

          @Override
          public boolean wantsPreviews() {
            return true;
          }
        }, () -> false).first().image();
    // the final preview is close to the decoded image shrunk to the latent size (4x4 pixel blocks)
    assertThat(last[0].getWidth()).isEqualTo(16);
    double sum = 0;
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        int p = last[0].getRGB(x, y);
        for (int s = 0; s < 24; s += 8) {
          double mean = 0;
          for (int dy = 0; dy < 4; dy++) {
            for (int dx = 0; dx < 4; dx++) {
              mean += (out.getRGB(4 * x + dx, 4 * y + dy) >> s) & 0xFF;
            }
          }
          sum += Math.abs(((p >> s) & 0xFF) - mean / 16);
        }
      }
    }
    double err = sum / (16 * 16 * 3);
    System.out.printf("latent preview vs decoded image: mean abs error %.1f / 255%n", err);
    assertThat(err).isLessThan(30);
  }
}
