package io.diffuse4j.pipelines;

import io.diffuse4j.api.tensor.FloatTensor;
import java.awt.image.BufferedImage;

/**
 * A cheap preview of latents: a linear projection of each latent pixel's channels to RGB
 * ({@code rgb = bias + sum_c latent_c * factor[c]}, in [-1, 1]), one image pixel per latent pixel.
 * Coefficients come from the model folder's {@code diffuse4j.json} ({@code latent_rgb_factors},
 * {@code latent_rgb_bias}, fitted from the model's VAE) or, for Stable Diffusion 4-channel
 * latents, the widely published SD 1.x factors. Immutable and thread-safe.
 *
 * @param factors {@code [channels][3]} weights
 * @param bias the RGB bias
 */
public record LatentPreview(double[][] factors, double[] bias) {

  /** The published Stable Diffusion 1.x latent-to-RGB factors (scaled latents). */
  public static LatentPreview stableDiffusion() {
    return new LatentPreview(new double[][] {
        {0.298, 0.207, 0.208}, {0.187, 0.286, 0.173}, {-0.158, 0.189, 0.264}, {-0.184, -0.271, -0.473}},
        new double[] {0, 0, 0});
  }

  /** Item {@code index} of {@code [b, c, h, w]} (scaled) latents as an RGB image. */
  public BufferedImage render(FloatTensor latents, int index) {
    int c = latents.dim(1);
    int h = latents.dim(2);
    int w = latents.dim(3);
    int plane = h * w;
    float[] d = latents.data();
    int base = index * c * plane;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < plane; i++) {
      int[] rgb = new int[3];
      for (int k = 0; k < 3; k++) {
        double v = bias[k];
        for (int ch = 0; ch < Math.min(c, factors.length); ch++) {
          v += d[base + ch * plane + i] * factors[ch][k];
        }
        rgb[k] = (int) Math.round(Math.max(0, Math.min(1, v / 2 + 0.5)) * 255);
      }
      img.setRGB(i % w, i / w, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
    }
    return img;
  }
}
