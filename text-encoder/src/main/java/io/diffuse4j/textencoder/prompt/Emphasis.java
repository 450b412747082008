package io.diffuse4j.textencoder.prompt;

import io.diffuse4j.api.tensor.FloatTensor;

/**
 * AUTOMATIC1111's "Original" emphasis: each token's hidden state is multiplied by its weight,
 * then the whole chunk is rescaled so that its mean equals the mean before weighting.
 *
 * <pre>{@code
 * FloatTensor weighted = Emphasis.apply(hidden, chunk.multipliers()); // hidden: [1, 77, H]
 * }</pre>
 *
 * <p>Thread-safe: stateless.
 */
public final class Emphasis {

  private Emphasis() {}

  /**
   * Weights {@code hidden} ({@code [1, tokens, hidden]}) per token. All-ones multipliers return
   * {@code hidden} itself, so an unweighted prompt is bit-for-bit the plain encoding.
   */
  public static FloatTensor apply(FloatTensor hidden, float[] multipliers) {
    int tokens = hidden.dim(1);
    int width = hidden.dim(2);
    if (hidden.dim(0) != 1 || tokens != multipliers.length) {
      throw new IllegalArgumentException("hidden states " + hidden + " do not match " + multipliers.length
          + " multipliers");
    }
    boolean ones = true;
    for (float m : multipliers) {
      ones &= m == 1f;
    }
    if (ones) {
      return hidden;
    }
    float[] src = hidden.data();
    float[] out = new float[src.length];
    double before = 0;
    double after = 0;
    for (int t = 0; t < tokens; t++) {
      float m = multipliers[t];
      for (int j = 0; j < width; j++) {
        int i = t * width + j;
        before += src[i];
        out[i] = src[i] * m;
        after += out[i];
      }
    }
    float factor = after == 0 ? 1f : (float) (before / after);
    for (int i = 0; i < out.length; i++) {
      out[i] *= factor;
    }
    return hidden.withData(out);
  }
}
