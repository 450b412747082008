package io.diffuse4j.pipelines.stages;

import static io.diffuse4j.pipelines.stages.Tensors.repeat;

import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TokenizedPrompt;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.model.LoadedModel;
import java.util.List;

/**
 * One CLIP text encoder's hidden states as the conditioning (SD 1.x, SD 2.x, LCM), as diffusers'
 * {@code StableDiffusionPipeline.encode_prompt}. Thread-safe when the text encoder is.
 */
public final class ClipPromptEncoder implements PromptEncoder {

  private final TextEncoder te;
  private final boolean closedVocabulary;

  /** The encoder over {@code model}'s text encoder. */
  public ClipPromptEncoder(LoadedModel model) {
    this.te = model.textEncoder();
    this.closedVocabulary = model.folder().closedVocabulary();
  }

  @Override
  public Conditioning encode(GenerationRequest r, Settings s, boolean unconditional, Warnings warnings) {
    TokenizedPrompt p = Prompts.tokenize(te, r.prompt(), "prompt", closedVocabulary, warnings);
    FloatTensor cond = repeat(te.encode(List.of(p)).hiddenStates(), r.numImages());
    if (!unconditional) {
      return Conditioning.of(cond);
    }
    TokenizedPrompt neg = Prompts.tokenize(te, r.negativePrompt(), "negative prompt", closedVocabulary, warnings);
    FloatTensor uncond = repeat(te.encode(List.of(neg)).hiddenStates(), r.numImages());
    return Conditioning.of(FloatTensor.concat(uncond, cond));
  }
}
