package io.diffuse4j.api.model;

import java.util.List;

/**
 * A tokenized prompt.
 *
 * @param ids exactly {@code maxLength} ids, padded
 * @param untruncatedLength the number of ids (start and end included) before truncation
 * @param droppedText the part of the prompt cut off by truncation, empty when none
 * @param unknownWords words of the prompt the vocabulary has no whole token for; informative
 *     (a model trained on a closed vocabulary warns about them), empty for open vocabularies
 */
public record TokenizedPrompt(int[] ids, int untruncatedLength, String droppedText, List<String> unknownWords) {

  /** Whether the prompt was longer than the tokenizer's limit. */
  public boolean truncated() {
    return !droppedText.isEmpty();
  }
}
