package io.diffuse4j.api.model;

/**
 * Turns a prompt into the fixed-length token ids a CLIP text encoder reads (start token, BPE
 * ids, end token, truncated to {@link #maxLength()} with the end token kept last, then padded).
 * Thread-safe.
 */
public interface Tokenizer {

  /** The encoder's context length (77 for CLIP). */
  int maxLength();

  /** Tokenizes one prompt to exactly {@link #maxLength()} ids. */
  TokenizedPrompt tokenize(String prompt);
}
