package io.diffuse4j.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.onnx.ModelConfigs;
import io.diffuse4j.pipelines.model.LoadedModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An estimate, before anything is allocated, of the memory a request needs, and the refusal of
 * requests that cannot fit the budget. The estimate counts the largest tensors ONNX Runtime
 * materialises for a Stable Diffusion U-Net and VAE (self-attention scores at the latent resolution,
 * {@code batch x heads x tokens^2}, the widest convolution activations, the VAE decoder's
 * full-resolution activations); channel counts come from the parts' {@code config.json} when
 * present, else Stable Diffusion 1.x's (U-Net 320 channels and 8 heads, VAE 128 channels). It is a
 * lower bound of the real peak, so a refused request could not have run; a request that passes
 * may still need more. The default budget is 90% of the machine's physical memory.
 * Immutable and thread-safe.
 */
final class MemoryBudget {

  private final long budgetBytes;
  private final int factor;
  private final double unetChannels;
  private final double heads;
  private final double vaeChannels;

  /** The budget for {@code model}: {@code budgetBytes}, or {@link #defaultBytes()} when not positive. */
  MemoryBudget(LoadedModel model, long budgetBytes) {
    this.budgetBytes = budgetBytes > 0 ? budgetBytes : defaultBytes();
    this.factor = Math.max(1, model.vaeDecoder().scaleFactor());
    JsonNode unet = config(model.folder().dir(), "unet");
    JsonNode vae = config(model.folder().dir(), "vae_decoder");
    this.unetChannels = first(unet.path("block_out_channels"), 320);
    JsonNode headsNode = unet.path("attention_head_dim");
    this.heads = headsNode.isNumber() && headsNode.asDouble() > 0 ? headsNode.asDouble() : first(headsNode, 8);
    this.vaeChannels = first(vae.path("block_out_channels"), 128);
  }

  /** The budget in bytes. */
  long budgetBytes() {
    return budgetBytes;
  }

  /** 90% of physical memory (or of the JVM's max heap when physical memory cannot be read). */
  static long defaultBytes() {
    long physical = -1;
    try {
      if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
        physical = os.getTotalMemorySize();
      }
    } catch (RuntimeException | LinkageError e) {
      physical = -1;
    }
    long base = physical > 0 ? physical : Runtime.getRuntime().maxMemory();
    return base / 10 * 9;
  }

  /** The estimate in bytes for {@code width x height}, {@code images} images, with or without guidance. */
  long estimate(int width, int height, int images, boolean guided) {
    return estimate(width, height, images, guided, false);
  }

  /** The estimate; with {@code vaeTiled} the VAE decodes at most a 1024 x 1024 tile at a time. */
  long estimate(int width, int height, int images, boolean guided, boolean vaeTiled) {
    double tokens = latentPositions(width, height);
    double batch = (double) images * (guided ? 2 : 1);
    double attention = batch * heads * tokens * tokens * 4;
    double convolutions = batch * unetChannels * tokens * 4 * 6;
    double pixels = vaeTiled ? Math.min((double) width * height, 1024.0 * 1024) : (double) width * height;
    double vaeDecode = images * (vaeChannels * pixels * 4 * 3 + tokens * tokens * 4);
    double latents = batch * 4 * tokens * 4 * 8;
    double peak = Math.max(attention + convolutions, vaeDecode) + latents;
    return peak >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) peak;
  }

  /**
   * Refuses a request whose estimate exceeds the budget.
   *
   * @throws InvalidRequestException (field {@code "width"}) with the estimate, the budget and what to do
   */
  void check(int width, int height, int images, boolean guided, boolean vaeTiled) {
    long need = estimate(width, height, images, guided, vaeTiled);
    if (need > budgetBytes) {
      throw new InvalidRequestException("width", String.format(Locale.ROOT, "%dx%d%s needs an estimated %s of memory"
          + " (U-Net attention over %d latent positions and the VAE decoder at full size), more than the %s budget."
          + " Ask for a smaller size (and upscale afterwards), fewer images per request, or decode with a tiled"
          + " VAE; a larger budget can be configured when the machine really has the memory.", width, height,
          images > 1 ? " x " + images + " images" : "", human(need), (long) latentPositions(width, height),
          human(budgetBytes)));
    }
  }

  private double latentPositions(int width, int height) {
    return Math.ceil(width / (double) factor) * Math.ceil(height / (double) factor);
  }

  static String human(long bytes) {
    double b = bytes;
    String[] units = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    while (b >= 1024 && u < units.length - 1) {
      b /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, b >= 100 || u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  }

  private static JsonNode config(Path dir, String part) {
    try {
      return ModelConfigs.readIfPresent(dir.resolve(part).resolve("config.json"))
          .orElse(ModelConfigs.mapper().createObjectNode());
    } catch (RuntimeException e) {
      return ModelConfigs.mapper().createObjectNode(); // the part loaded without it; the defaults stand in
    }
  }

  private static double first(JsonNode list, double def) {
    return list.isArray() && list.size() > 0 && list.get(0).isNumber() && list.get(0).asDouble() > 0
        ? list.get(0).asDouble() : def;
  }
}
