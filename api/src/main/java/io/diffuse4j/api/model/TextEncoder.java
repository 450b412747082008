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

  /**
   * Encodes with the {@code clipSkip}-th hidden layer from the last (1 = the model's own). Encoders
   * that cannot pick a layer accept only 1.
   *
   * @throws io.diffuse4j.api.pipeline.InvalidRequestException for a layer the encoder cannot give
   */
  default TextEmbeddings encode(List<TokenizedPrompt> prompts, int clipSkip) {
    if (clipSkip <= 1) {
      return encode(prompts);
    }
    throw new io.diffuse4j.api.pipeline.InvalidRequestException("clipSkip", "this text encoder ("
        + getClass().getSimpleName() + ") cannot skip layers; use clip skip 1");
  }

  @Override
  void close();
}
