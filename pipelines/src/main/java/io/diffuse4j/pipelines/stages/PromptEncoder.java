package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.pipelines.model.LoadedModel;

/**
 * The "encode prompt" stage: turns the prompt (and, for classifier-free guidance, the negative
 * prompt) into the U-Net's text conditioning, batched {@code [uncond × n, cond × n]} or
 * {@code [cond × n]}. One encoder per model family, chosen when the model is loaded:
 * {@link ClipPromptEncoder} (SD 1.x/2.x, LCM) or {@link SdxlPromptEncoder} (two text encoders).
 *
 * <p>Implementations are thread-safe when their text encoders are.
 */
public interface PromptEncoder {

  /** The encoder that fits {@code model}'s text encoders. */
  static PromptEncoder forModel(LoadedModel model) {
    return forModel(model, java.util.Map.of());
  }

  /**
   * The encoder that fits {@code model}'s text encoders, knowing the token ids of textual-inversion
   * embeddings per text encoder part ({@code text_encoder}, {@code text_encoder_2}).
   */
  static PromptEncoder forModel(LoadedModel model, java.util.Map<String, java.util.Map<String, int[]>> embeddings) {
    return model.textEncoder2() == null
        ? new ClipPromptEncoder(model, embeddings.getOrDefault("text_encoder", java.util.Map.of()))
        : new SdxlPromptEncoder(model, embeddings);
  }

  /**
   * Encodes {@code request}'s prompts for {@code request.numImages()} images.
   *
   * @param unconditional whether to encode the negative prompt too (classifier-free guidance)
   * @param warnings where truncation and unknown-word warnings go
   */
  Conditioning encode(GenerationRequest request, Settings settings, boolean unconditional, Warnings warnings);
}
