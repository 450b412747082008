package io.diffuse4j.textencoder.prompt;

/**
 * One encoder window of a prompt: start token, up to 75 prompt tokens, end token, padding.
 *
 * @param ids the token ids ({@code maxLength} of them; ids at or above the vocabulary size are
 *     textual-inversion vectors)
 * @param multipliers the attention weight of each id (1 for start, end and padding)
 * @param promptTokens how many of the ids come from the prompt
 */
public record PromptChunk(int[] ids, float[] multipliers, int promptTokens) {

  /** Whether every multiplier is exactly 1 (nothing to weight). */
  public boolean unweighted() {
    for (float m : multipliers) {
      if (m != 1f) {
        return false;
      }
    }
    return true;
  }
}
