package io.diffuse4j.pipelines.stages;

import static io.diffuse4j.pipelines.stages.Tensors.concatLastDim;
import static io.diffuse4j.pipelines.stages.Tensors.repeat;

import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.model.TextEmbeddings;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TokenizedPrompt;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.model.LoadedModel;
import java.nio.file.Path;
import java.util.List;

/**
 * SDXL's conditioning, as diffusers' {@code StableDiffusionXLPipeline.encode_prompt}: both text
 * encoders' penultimate hidden states side by side, the second encoder's pooled
 * {@code text_embeds}, and the size {@code time_ids} {@code (h, w, 0, 0, h, w)}; an empty negative
 * prompt becomes zeros when {@code model_index.json} says {@code force_zeros_for_empty_prompt}
 * (its default). Thread-safe when the text encoders are.
 */
public final class SdxlPromptEncoder implements PromptEncoder {

  private final TextEncoder te;
  private final TextEncoder te2;
  private final boolean closedVocabulary;
  private final boolean zerosForEmptyNegative;
  private final Path dir;

  /** The encoder over {@code model}'s two text encoders. */
  public SdxlPromptEncoder(LoadedModel model) {
    this.te = model.textEncoder();
    this.te2 = model.textEncoder2();
    this.closedVocabulary = model.folder().closedVocabulary();
    this.zerosForEmptyNegative = model.folder().index().path("force_zeros_for_empty_prompt").asBoolean(true);
    this.dir = model.folder().dir();
  }

  @Override
  public Conditioning encode(GenerationRequest r, Settings s, boolean unconditional, Warnings warnings) {
    int n = r.numImages();
    TokenizedPrompt p = Prompts.tokenize(te, r.prompt(), "prompt", closedVocabulary, warnings);
    TokenizedPrompt neg = unconditional
        ? Prompts.tokenize(te, r.negativePrompt(), "negative prompt", closedVocabulary, warnings) : null;
    TokenizedPrompt p2 = Prompts.tokenize(te2, r.prompt(), "prompt", closedVocabulary, null);
    TextEmbeddings a = te.encode(List.of(p));
    TextEmbeddings b = te2.encode(List.of(p2));
    FloatTensor hidden = concatLastDim(a.hiddenStates(), b.hiddenStates());
    FloatTensor pooled = b.pooled();
    if (pooled == null) {
      throw new DiffusionException("text_encoder_2 of " + dir + " has no pooled output (text_embeds),"
          + " which SDXL's U-Net needs");
    }
    float[] ids = {s.height(), s.width(), 0, 0, s.height(), s.width()};
    FloatTensor timeIds = repeat(FloatTensor.of(ids, 1, 6), unconditional ? 2 * n : n);
    if (!unconditional) {
      return new Conditioning(repeat(hidden, n), repeat(pooled, n), timeIds, null);
    }
    FloatTensor negHidden;
    FloatTensor negPooled;
    if (r.negativePrompt().isEmpty() && zerosForEmptyNegative) {
      negHidden = FloatTensor.zeros(hidden.shape());
      negPooled = FloatTensor.zeros(pooled.shape());
    } else {
      TokenizedPrompt n2 = Prompts.tokenize(te2, r.negativePrompt(), "negative prompt", closedVocabulary, null);
      TextEmbeddings na = te.encode(List.of(neg));
      TextEmbeddings nb = te2.encode(List.of(n2));
      negHidden = concatLastDim(na.hiddenStates(), nb.hiddenStates());
      negPooled = nb.pooled();
    }
    return new Conditioning(FloatTensor.concat(repeat(negHidden, n), repeat(hidden, n)),
        FloatTensor.concat(repeat(negPooled, n), repeat(pooled, n)), timeIds, null);
  }
}
