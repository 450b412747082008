package io.diffuse4j.api.model;

import java.util.List;

/**
 * Encodes prompts into the hidden states a denoiser is conditioned on (CLIP text encoder).
 * Holds native memory: close it. Thread-safe for concurrent {@link #encode} calls.
 */
public interface TextEncoder extends AutoCloseable {

  /** The tokenizer this encoder reads. */
  Tokenizer tokenizer();

  /** The width of the hidden states (768 for SD 1.x). */
  int hiddenSize();

  /** Encodes already tokenized prompts, batch in list order. */
  TextEmbeddings encode(List<TokenizedPrompt> prompts);

  @Override
  void close();
}
