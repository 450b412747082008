package io.diffuse4j.api.model;

/**
 * What the denoiser's model declares, read from its input and output metadata.
 *
 * @param inChannels channels of {@code sample} (4, or 9 for inpainting U-Nets)
 * @param outChannels channels of the output (latent channels)
 * @param crossAttentionDim the last dimension of {@code encoder_hidden_states}
 * @param maxBatch the largest batch one call takes (1 for fixed-batch exports, else {@link Integer#MAX_VALUE})
 * @param downsampleFactor how much the U-Net halves its input, in latent pixels (sizes must be multiples)
 * @param sampleSize the latent side length the model was exported for, or -1 when dynamic and unknown
 * @param timestepCondDim width of LCM's {@code timestep_cond} guidance embedding input, or 0 when absent
 * @param textEmbedsDim width of SDXL's pooled {@code text_embeds} input, or 0 when absent
 * @param maxTextTokens the longest {@code encoder_hidden_states} sequence the model takes:
 *     {@link Integer#MAX_VALUE} when that axis is dynamic (long prompts are encoded in 77-token
 *     chunks), else its fixed length (77: longer prompts are truncated)
 */
public record DenoiserInfo(int inChannels, int outChannels, int crossAttentionDim, int maxBatch,
    int downsampleFactor, int sampleSize, int timestepCondDim, int textEmbedsDim, int maxTextTokens) {

  /** A denoiser whose text sequence length is unknown: taken as CLIP's fixed 77 tokens. */
  public DenoiserInfo(int inChannels, int outChannels, int crossAttentionDim, int maxBatch, int downsampleFactor,
      int sampleSize, int timestepCondDim, int textEmbedsDim) {
    this(inChannels, outChannels, crossAttentionDim, maxBatch, downsampleFactor, sampleSize, timestepCondDim,
        textEmbedsDim, 77);
  }
}
