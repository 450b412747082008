package io.diffuse4j.api.model;

import io.diffuse4j.api.tensor.FloatTensor;

/**
 * What a text encoder gives the denoiser.
 *
 * @param hiddenStates {@code [batch, tokens, hidden]}: the U-Net's {@code encoder_hidden_states}
 * @param pooled {@code [batch, dim]} pooled output ({@code pooler_output} or {@code text_embeds}), may be null
 */
public record TextEmbeddings(FloatTensor hiddenStates, FloatTensor pooled) {}
