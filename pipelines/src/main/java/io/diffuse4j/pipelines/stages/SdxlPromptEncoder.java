package io.diffuse4j.pipelines.stages;

import static io.diffuse4j.pipelines.stages.Tensors.concatLastDim;
import static io.diffuse4j.pipelines.stages.Tensors.repeat;

import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.model.TextEmbeddings;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.api.pipeline.PromptControls;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.model.LoadedModel;
import java.nio.file.Path;
import java.util.Map;

/**
 * SDXL's conditioning, as diffusers' {@code StableDiffusionXLPipeline.encode_prompt}: both text
 * encoders' penultimate hidden states side by side, the second encoder's pooled
 * {@code text_embeds}, and the size {@code time_ids} {@code (h, w, 0, 0, h, w)}; an empty negative
 * prompt becomes zeros when {@code model_index.json} says {@code force_zeros_for_empty_prompt}
 * (its default). Prompt syntax, long prompts (each encoder in 75-token windows, pooled output from
 * the first window), clip skip and textual inversions as {@link ClipPromptEncoder}; or the
 * caller's own {@code promptEmbeds} with {@code pooledPromptEmbeds}. Thread-safe when the text
 * encoders are.
 */
public final class SdxlPromptEncoder implements PromptEncoder {

  private final TextEncoder te;
  private final TextEncoder te2;
  private final boolean closedVocabulary;
  private final boolean zerosForEmptyNegative;
  private final Path dir;
  private final int maxTextTokens;
  private final Map<String, Map<String, int[]>> embeddings;

  /** The encoder over {@code model}'s two text encoders. */
  public SdxlPromptEncoder(LoadedModel model) {
    this(model, Map.of());
  }

  /** The encoder over {@code model}'s text encoders, with textual-inversion token ids per part. */
  public SdxlPromptEncoder(LoadedModel model, Map<String, Map<String, int[]>> embeddings) {
    this.te = model.textEncoder();
    this.te2 = model.textEncoder2();
    this.closedVocabulary = model.folder().closedVocabulary();
    this.zerosForEmptyNegative = model.folder().index().path("force_zeros_for_empty_prompt").asBoolean(true);
    this.dir = model.folder().dir();
    this.maxTextTokens = model.denoiser().info().maxTextTokens();
    this.embeddings = embeddings;
  }

  /** Hidden states of both encoders side by side and the second's pooled output. */
  private record Encoded(FloatTensor hidden, FloatTensor pooled) {}

  private Encoded encodeBoth(Prompts.Chunks a, Prompts.Chunks b, boolean negative, int clipSkip) {
    TextEmbeddings x = Prompts.encode(te, negative ? a.negative() : a.prompt(), clipSkip);
    TextEmbeddings y = Prompts.encode(te2, negative ? b.negative() : b.prompt(), clipSkip);
    if (y.pooled() == null) {
      throw new DiffusionException("text_encoder_2 of " + dir + " has no pooled output (text_embeds),"
          + " which SDXL's U-Net needs");
    }
    return new Encoded(concatLastDim(x.hiddenStates(), y.hiddenStates()), y.pooled());
  }

  @Override
  public Conditioning encode(GenerationRequest r, Settings s, boolean unconditional, Warnings warnings) {
    int n = r.numImages();
    PromptControls c = r.controls();
    float[] ids = {s.height(), s.width(), 0, 0, s.height(), s.width()};
    FloatTensor timeIds = repeat(FloatTensor.of(ids, 1, 6), unconditional ? 2 * n : n);
    Map<String, int[]> e1 = embeddings.getOrDefault("text_encoder", Map.of());
    Map<String, int[]> e2 = embeddings.getOrDefault("text_encoder_2", Map.of());
    boolean zeros = r.negativePrompt().isEmpty() && zerosForEmptyNegative;
    Encoded pos;
    int minChunks = 1;
    if (c.promptEmbeds() != null) {
      Prompts.checkEmbeds("promptEmbeds", c.promptEmbeds(), te.hiddenSize() + te2.hiddenSize(), maxTextTokens);
      if (c.pooledPromptEmbeds() == null) {
        throw new InvalidRequestException("pooledPromptEmbeds", "SDXL's U-Net also reads pooled text embeddings:"
            + " give pooledPromptEmbeds [1, " + (te2 instanceof io.diffuse4j.textencoder.OnnxTextEncoder o
                ? o.pooledSize() : "dim") + "] with promptEmbeds");
      }
      pos = new Encoded(c.promptEmbeds(), c.pooledPromptEmbeds());
      if (!unconditional) {
        return new Conditioning(repeat(pos.hidden(), n), repeat(pos.pooled(), n), timeIds, null);
      }
      if (c.negativePromptEmbeds() != null) {
        FloatTensor negPooled = c.negativePooledPromptEmbeds() != null ? c.negativePooledPromptEmbeds()
            : FloatTensor.zeros(pos.pooled().shape());
        return new Conditioning(FloatTensor.concat(repeat(c.negativePromptEmbeds(), n), repeat(pos.hidden(), n)),
            FloatTensor.concat(repeat(negPooled, n), repeat(pos.pooled(), n)), timeIds, null);
      }
      minChunks = Prompts.windowsFor("promptEmbeds", pos.hidden().dim(1), te.tokenizer().maxLength());
    } else {
      Prompts.Chunks a = Prompts.chunks(te, r.prompt(), null, e1, maxTextTokens, 1, closedVocabulary, warnings);
      Prompts.Chunks b = Prompts.chunks(te2, r.prompt(), null, e2, maxTextTokens, 1, closedVocabulary, null);
      int k = Math.max(a.prompt().size(), b.prompt().size());
      if (a.prompt().size() != k || b.prompt().size() != k) {
        a = Prompts.chunks(te, r.prompt(), null, e1, maxTextTokens, k, closedVocabulary, null);
        b = Prompts.chunks(te2, r.prompt(), null, e2, maxTextTokens, k, closedVocabulary, null);
      }
      pos = encodeBoth(a, b, false, c.clipSkip());
      if (!unconditional) {
        return new Conditioning(repeat(pos.hidden(), n), repeat(pos.pooled(), n), timeIds, null);
      }
      minChunks = a.prompt().size();
    }
    Encoded neg;
    if (zeros) {
      neg = new Encoded(FloatTensor.zeros(pos.hidden().shape()), FloatTensor.zeros(pos.pooled().shape()));
    } else {
      Prompts.Chunks a = Prompts.chunks(te, "", r.negativePrompt(), e1, maxTextTokens, minChunks, closedVocabulary,
          warnings);
      Prompts.Chunks b = Prompts.chunks(te2, "", r.negativePrompt(), e2, maxTextTokens, minChunks, closedVocabulary,
          null);
      neg = encodeBoth(a, b, true, c.clipSkip());
      if (neg.hidden().dim(1) != pos.hidden().dim(1)) {
        // the negative prompt is the longer one: encode the prompt again with as many windows
        int k = neg.hidden().dim(1) / te.tokenizer().maxLength();
        if (c.promptEmbeds() != null) {
          throw new InvalidRequestException("negativePrompt", "is longer than promptEmbeds (" + pos.hidden().dim(1)
              + " tokens): give negativePromptEmbeds as well");
        }
        Prompts.Chunks pa = Prompts.chunks(te, r.prompt(), null, e1, maxTextTokens, k, closedVocabulary, null);
        Prompts.Chunks pb = Prompts.chunks(te2, r.prompt(), null, e2, maxTextTokens, k, closedVocabulary, null);
        pos = encodeBoth(pa, pb, false, c.clipSkip());
      }
    }
    return new Conditioning(FloatTensor.concat(repeat(neg.hidden(), n), repeat(pos.hidden(), n)),
        FloatTensor.concat(repeat(neg.pooled(), n), repeat(pos.pooled(), n)), timeIds, null);
  }
}
