package io.diffuse4j.textencoder.prompt;

import io.diffuse4j.api.model.TextEmbeddings;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TokenizedPrompt;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a prompt's chunks one window at a time, weights each window's hidden states
 * ({@link Emphasis}) and joins them along the token axis ({@code [1, 77·k, hidden]}); the pooled
 * output is the first window's, as AUTOMATIC1111 does.
 *
 * <p>Thread-safe when the text encoder is.
 */
public final class ChunkedEncoding {

  private ChunkedEncoding() {}

  /**
   * Encodes {@code chunks} with {@code encoder}.
   *
   * @param clipSkip which hidden layer, counted from the last (1 = the model's own)
   */
  public static TextEmbeddings encode(TextEncoder encoder, List<PromptChunk> chunks, int clipSkip) {
    List<FloatTensor> hidden = new ArrayList<>();
    FloatTensor pooled = null;
    for (int i = 0; i < chunks.size(); i++) {
      PromptChunk c = chunks.get(i);
      TokenizedPrompt t = new TokenizedPrompt(c.ids(), c.promptTokens() + 2, "", List.of());
      TextEmbeddings e = encoder.encode(List.of(t), clipSkip);
      hidden.add(Emphasis.apply(e.hiddenStates(), c.multipliers()));
      if (i == 0) {
        pooled = e.pooled();
      }
    }
    return new TextEmbeddings(hidden.size() == 1 ? hidden.get(0) : concatTokens(hidden), pooled);
  }

  /** Joins {@code [1, t_i, h]} tensors into {@code [1, sum t_i, h]}. */
  static FloatTensor concatTokens(List<FloatTensor> parts) {
    int h = parts.get(0).dim(2);
    int tokens = 0;
    for (FloatTensor p : parts) {
      tokens += p.dim(1);
    }
    float[] out = new float[tokens * h];
    int off = 0;
    for (FloatTensor p : parts) {
      System.arraycopy(p.data(), 0, out, off, p.size());
      off += p.size();
    }
    return FloatTensor.of(out, 1, tokens, h);
  }
}
