package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TokenizedPrompt;

/** Tokenizing with the user-facing warnings (truncation, unknown words). Stateless. */
final class Prompts {

  private Prompts() {}

  /**
   * Tokenizes {@code text}; {@code what} names it in warnings ("prompt", "negative prompt");
   * {@code warnings} may be null to tokenize silently (a second tokenizer of the same text).
   */
  static TokenizedPrompt tokenize(TextEncoder te, String text, String what, boolean closedVocabulary,
      Warnings warnings) {
    TokenizedPrompt t = te.tokenizer().tokenize(text);
    if (warnings == null) {
      return t;
    }
    if (t.truncated()) {
      warnings.warn("The " + what + " is longer than the text encoder's " + te.tokenizer().maxLength()
          + " tokens; this part was cut off: \"" + t.droppedText() + "\"");
    }
    if (closedVocabulary && !t.unknownWords().isEmpty()) {
      warnings.warn("The model does not know these words of the " + what + ": " + String.join(", ", t.unknownWords())
          + " (the image is still made, ignoring them)");
    }
    return t;
  }
}
