package io.diffuse4j.pipelines.stages;

import static io.diffuse4j.pipelines.stages.Tensors.repeat;

import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.PromptControls;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.model.LoadedModel;
import java.util.Map;

/**
 * One CLIP text encoder's hidden states as the conditioning (SD 1.x, SD 2.x, LCM), as diffusers'
 * {@code StableDiffusionPipeline.encode_prompt}, with AUTOMATIC1111's prompt syntax: attention
 * weights, 75-token windows joined for long prompts (when the U-Net takes longer sequences),
 * clip skip, textual-inversion names; or the caller's own {@code promptEmbeds}. Thread-safe when
 * the text encoder is.
 */
public final class ClipPromptEncoder implements PromptEncoder {

  private final TextEncoder te;
  private final boolean closedVocabulary;
  private final int maxTextTokens;
  private final Map<String, int[]> embeddings;

  /** The encoder over {@code model}'s text encoder. */
  public ClipPromptEncoder(LoadedModel model) {
    this(model, Map.of());
  }

  /** The encoder over {@code model}'s text encoder, with textual-inversion token ids by name. */
  public ClipPromptEncoder(LoadedModel model, Map<String, int[]> embeddings) {
    this.te = model.textEncoder();
    this.closedVocabulary = model.folder().closedVocabulary();
    this.maxTextTokens = model.denoiser().info().maxTextTokens();
    this.embeddings = embeddings;
  }

  @Override
  public Conditioning encode(GenerationRequest r, Settings s, boolean unconditional, Warnings warnings) {
    PromptControls c = r.controls();
    int n = r.numImages();
    int minChunks = 1;
    FloatTensor cond;
    if (c.promptEmbeds() != null) {
      Prompts.checkEmbeds("promptEmbeds", c.promptEmbeds(), te.hiddenSize(), maxTextTokens);
      cond = c.promptEmbeds();
      if (!unconditional) {
        return Conditioning.of(repeat(cond, n));
      }
      if (c.negativePromptEmbeds() != null) {
        return Conditioning.of(FloatTensor.concat(repeat(c.negativePromptEmbeds(), n), repeat(cond, n)));
      }
      minChunks = Prompts.windowsFor("promptEmbeds", cond.dim(1), te.tokenizer().maxLength());
      Prompts.Chunks ch = Prompts.chunks(te, "", r.negativePrompt(), embeddings, maxTextTokens, minChunks,
          closedVocabulary, warnings);
      FloatTensor uncond = Prompts.encode(te, ch.negative(), c.clipSkip()).hiddenStates();
      return Conditioning.of(FloatTensor.concat(repeat(uncond, n), repeat(cond, n)));
    }
    Prompts.Chunks ch = Prompts.chunks(te, r.prompt(), unconditional ? r.negativePrompt() : null, embeddings,
        maxTextTokens, minChunks, closedVocabulary, warnings);
    cond = repeat(Prompts.encode(te, ch.prompt(), c.clipSkip()).hiddenStates(), n);
    if (!unconditional) {
      return Conditioning.of(cond);
    }
    FloatTensor uncond = repeat(Prompts.encode(te, ch.negative(), c.clipSkip()).hiddenStates(), n);
    return Conditioning.of(FloatTensor.concat(uncond, cond));
  }
}
