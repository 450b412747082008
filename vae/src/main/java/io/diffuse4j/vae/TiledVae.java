package io.diffuse4j.vae;

import io.diffuse4j.api.model.LatentDistribution;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.pipeline.VaeTiling;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.function.UnaryOperator;

/**
 * Tiled VAE passes with seam blending, as diffusers' {@code AutoencoderKL.tiled_decode} and
 * {@code _tiled_encode} (v0.31, {@code enable_vae_tiling}): the input is cut into overlapping
 * square tiles, each tile goes through the VAE on its own, and each output tile is blended
 * linearly into the one above ({@code blend_v}) and to its left ({@code blend_h}) over
 * {@code tile_overlap_factor} (0.25) of a tile, then cropped and stitched. Peak memory is then that
 * of one tile instead of the whole image.
 *
 * <p>For a decoder with a tile of {@code T} image pixels and scale factor 8: latent tiles of
 * {@code T/8}, one every {@code 0.75 T/8} latent pixels, blended over {@code 0.25 T} image pixels,
 * cropped to {@code 0.75 T}. For an encoder the same with image and latent swapped.
 *
 * <pre>{@code
 * FloatTensor image = TiledVae.decode(latents, decoder::decode, 8, 512);
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class TiledVae {

  /** diffusers' {@code tile_overlap_factor}. */
  public static final double OVERLAP_FACTOR = 0.25;

  /**
   * The memory an untiled decode may use before {@link VaeTiling#AUTO} tiles: 2 GiB, estimated as
   * {@link #estimatedDecodeBytes}.
   */
  public static final long DEFAULT_BUDGET_BYTES = 2L << 30;

  private TiledVae() {}

  /**
   * An estimate of an untiled decode's working memory for an image of this size: SD's decoder runs
   * 128 channels of float32 at full resolution with about three such activations alive at once.
   */
  public static long estimatedDecodeBytes(int width, int height) {
    return (long) width * height * 128L * 4L * 3L;
  }

  /**
   * Whether to tile a pass over an image of this size: {@code ON} tiles whatever is larger than one
   * tile, {@code AUTO} when also the untiled estimate exceeds {@code budgetBytes}, {@code OFF} never.
   */
  public static boolean shouldTile(VaeTiling mode, int width, int height, int tileSampleSize, long budgetBytes) {
    boolean larger = width > tileSampleSize || height > tileSampleSize;
    return switch (mode) {
      case ON -> larger;
      case OFF -> false;
      case AUTO -> larger && estimatedDecodeBytes(width, height) > budgetBytes;
    };
  }

  /**
   * Decodes one latent {@code [1, c, h, w]} in tiles of {@code tileSampleSize} image pixels.
   *
   * @param decodeTile the untiled decoder of one latent tile
   * @param scaleFactor image pixels per latent pixel
   */
  public static FloatTensor decode(FloatTensor latent, UnaryOperator<FloatTensor> decodeTile, int scaleFactor,
      int tileSampleSize) {
    int tileLatent = tileSampleSize / scaleFactor;
    int stride = (int) (tileLatent * (1 - OVERLAP_FACTOR));
    int blend = (int) (tileSampleSize * OVERLAP_FACTOR);
    return tiled(latent, decodeTile, tileLatent, stride, blend, tileSampleSize - blend);
  }

  /**
   * Encodes one image {@code [1, 3, H, W]} in tiles of {@code tileSampleSize} pixels; {@code encodeTile}
   * returns the encoder's output for a tile (moments, or the latent mean), which is blended as diffusers
   * blends the moments.
   */
  public static FloatTensor encode(FloatTensor image, UnaryOperator<FloatTensor> encodeTile, int scaleFactor,
      int tileSampleSize) {
    int tileLatent = tileSampleSize / scaleFactor;
    int stride = (int) (tileSampleSize * (1 - OVERLAP_FACTOR));
    int blend = (int) (tileLatent * OVERLAP_FACTOR);
    return tiled(image, encodeTile, tileSampleSize, stride, blend, tileLatent - blend);
  }

  /**
   * Encodes one image in tiles with {@code encoder}, blending mean and log-variance together (diffusers
   * blends the moments).
   */
  public static LatentDistribution encode(FloatTensor image, VaeEncoder encoder, int scaleFactor,
      int tileSampleSize) {
    boolean[] withVariance = new boolean[1];
    FloatTensor moments = encode(image, tile -> {
      LatentDistribution d = encoder.encode(tile);
      withVariance[0] = d.logVariance() != null;
      return d.logVariance() == null ? d.mean() : concatChannels(d.mean(), d.logVariance());
    }, scaleFactor, tileSampleSize);
    if (!withVariance[0]) {
      return new LatentDistribution(moments, null);
    }
    return PerImageVaeEncoder.fromMoments(moments);
  }

  private static FloatTensor concatChannels(FloatTensor a, FloatTensor b) {
    float[] d = new float[a.size() + b.size()];
    System.arraycopy(a.data(), 0, d, 0, a.size());
    System.arraycopy(b.data(), 0, d, a.size(), b.size());
    return FloatTensor.of(d, 1, a.dim(1) + b.dim(1), a.dim(2), a.dim(3));
  }

  /**
   * The shared loop: tiles of {@code tileIn} every {@code stride} input pixels, output tiles blended over
   * {@code blend} pixels and cropped to {@code rowLimit}.
   */
  static FloatTensor tiled(FloatTensor x, UnaryOperator<FloatTensor> f, int tileIn, int stride, int blend,
      int rowLimit) {
    if (x.rank() != 4 || x.dim(0) != 1) {
      throw new IllegalArgumentException("tiled VAE passes take one image [1, c, h, w], got " + x);
    }
    if (stride <= 0 || rowLimit <= 0) {
      throw new IllegalArgumentException("tile of " + tileIn + " is too small to tile with overlap "
          + OVERLAP_FACTOR);
    }
    int h = x.dim(2);
    int w = x.dim(3);
    int rows = (h + stride - 1) / stride;
    int cols = (w + stride - 1) / stride;
    // one row of output tiles at a time: only the row above is kept for blending
    FloatTensor first = f.apply(crop(x, 0, 0, Math.min(tileIn, h), Math.min(tileIn, w)));
    int inFirst = Math.min(tileIn, h);
    int channels = first.dim(1);
    int outH = 0;
    int outW = 0;
    for (int r = 0; r < rows; r++) {
      outH += Math.min(rowLimit, outSize(Math.min(tileIn, h - r * stride), first.dim(2), inFirst));
    }
    int inFirstW = Math.min(tileIn, w);
    for (int c = 0; c < cols; c++) {
      outW += Math.min(rowLimit, outSize(Math.min(tileIn, w - c * stride), first.dim(3), inFirstW));
    }
    float[] out = new float[channels * outH * outW];
    FloatTensor[] above = null;
    int oy = 0;
    for (int r = 0; r < rows; r++) {
      FloatTensor[] row = new FloatTensor[cols];
      int ox = 0;
      int th = 0;
      for (int c = 0; c < cols; c++) {
        int y0 = r * stride;
        int x0 = c * stride;
        FloatTensor t = r == 0 && c == 0 ? first
            : f.apply(crop(x, y0, x0, Math.min(tileIn, h - y0), Math.min(tileIn, w - x0)));
        row[c] = t;
        // in place, as diffusers: later tiles blend with the already blended neighbours
        if (above != null) {
          blendV(above[c], t, blend);
        }
        if (c > 0) {
          blendH(row[c - 1], t, blend);
        }
        th = Math.min(rowLimit, t.dim(2));
        int tw = Math.min(rowLimit, t.dim(3));
        int tH = t.dim(2);
        int tW = t.dim(3);
        if (t.dim(1) != channels || oy + th > outH || ox + tw > outW) {
          throw new IllegalStateException("the VAE gave a tile of " + t + " for an input tile at (" + y0 + ", " + x0
              + "); tiled passes need a fully convolutional VAE");
        }
        for (int ch = 0; ch < channels; ch++) {
          for (int y = 0; y < th; y++) {
            System.arraycopy(t.data(), (ch * tH + y) * tW, out, (ch * outH + oy + y) * outW + ox, tw);
          }
        }
        ox += tw;
      }
      oy += th;
      above = row;
    }
    return FloatTensor.of(out, 1, channels, outH, outW);
  }

  private static int outSize(int in, int firstOut, int firstIn) {
    return (int) ((long) in * firstOut / firstIn);
  }

  /** diffusers' {@code blend_v}: the top rows of {@code b} fade in from the bottom rows of {@code a}. */
  static void blendV(FloatTensor a, FloatTensor b, int extent) {
    int e = Math.min(Math.min(a.dim(2), b.dim(2)), extent);
    int channels = b.dim(1);
    int aH = a.dim(2);
    int aW = a.dim(3);
    int bH = b.dim(2);
    int bW = b.dim(3);
    int width = Math.min(aW, bW);
    float[] ad = a.data();
    float[] bd = b.data();
    for (int ch = 0; ch < channels; ch++) {
      for (int y = 0; y < e; y++) {
        float wb = (float) y / e;
        float wa = 1 - wb;
        int ar = (ch * aH + aH - e + y) * aW;
        int br = (ch * bH + y) * bW;
        for (int x = 0; x < width; x++) {
          bd[br + x] = ad[ar + x] * wa + bd[br + x] * wb;
        }
      }
    }
  }

  /** diffusers' {@code blend_h}: the left columns of {@code b} fade in from the right columns of {@code a}. */
  static void blendH(FloatTensor a, FloatTensor b, int extent) {
    int e = Math.min(Math.min(a.dim(3), b.dim(3)), extent);
    int channels = b.dim(1);
    int aH = a.dim(2);
    int aW = a.dim(3);
    int bH = b.dim(2);
    int bW = b.dim(3);
    int height = Math.min(aH, bH);
    float[] ad = a.data();
    float[] bd = b.data();
    for (int ch = 0; ch < channels; ch++) {
      for (int y = 0; y < height; y++) {
        int ar = (ch * aH + y) * aW + aW - e;
        int br = (ch * bH + y) * bW;
        for (int x = 0; x < e; x++) {
          float wb = (float) x / e;
          bd[br + x] = ad[ar + x] * (1 - wb) + bd[br + x] * wb;
        }
      }
    }
  }

  private static FloatTensor crop(FloatTensor x, int y0, int x0, int th, int tw) {
    int c = x.dim(1);
    int h = x.dim(2);
    int w = x.dim(3);
    float[] d = new float[c * th * tw];
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < th; y++) {
        System.arraycopy(x.data(), (ch * h + y0 + y) * w + x0, d, (ch * th + y) * tw, tw);
      }
    }
    return FloatTensor.of(d, 1, c, th, tw);
  }
}
