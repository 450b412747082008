package io.diffuse4j.api.pipeline;

import io.diffuse4j.api.tensor.FloatTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a request adds to the text conditioning beyond its prompts: LoRA adapters, textual-inversion
 * embeddings, clip skip, and embeddings computed by the caller (as diffusers' {@code prompt_embeds}).
 *
 * <pre>{@code
 * GenerationRequest r = GenerationRequest.builder("a (red:1.3) circle <lora:ink:0.8>")
 *     .lora(Path.of("loras/pen.safetensors"), 0.5)
 *     .clipSkip(2)
 *     .build();
 * }</pre>
 *
 * @param loras adapters merged into the U-Net and text encoders, in order
 * @param textualInversions embedding files whose names (file name without extension) may be used in the prompts
 * @param clipSkip which hidden layer conditions the U-Net, counted from the last (1, the default, is the
 *     model's own; 2 is the one before)
 * @param promptEmbeds the U-Net's {@code encoder_hidden_states} for the prompt {@code [1, tokens, hidden]};
 *     replaces the prompt's encoding when set
 * @param negativePromptEmbeds the same for the negative prompt (zeros of the same shape when absent)
 * @param pooledPromptEmbeds SDXL's pooled {@code text_embeds} for the prompt {@code [1, dim]}
 * @param negativePooledPromptEmbeds SDXL's pooled embeddings of the negative prompt
 */
public record PromptControls(List<LoraSpec> loras, List<Path> textualInversions, int clipSkip,
    FloatTensor promptEmbeds, FloatTensor negativePromptEmbeds, FloatTensor pooledPromptEmbeds,
    FloatTensor negativePooledPromptEmbeds) {

  /** No adapters, the model's own layer, the prompts encoded by the pipeline. */
  public static final PromptControls NONE = new PromptControls(List.of(), List.of(), 1, null, null, null, null);

  /** Checks the values. */
  public PromptControls {
    loras = List.copyOf(loras);
    textualInversions = List.copyOf(textualInversions);
    if (clipSkip < 1) {
      throw new InvalidRequestException("clipSkip", "clip skip counts layers from the last, starting at 1 (the"
          + " model's own); got " + clipSkip);
    }
    checkEmbeds("promptEmbeds", promptEmbeds, 3);
    checkEmbeds("negativePromptEmbeds", negativePromptEmbeds, 3);
    checkEmbeds("pooledPromptEmbeds", pooledPromptEmbeds, 2);
    checkEmbeds("negativePooledPromptEmbeds", negativePooledPromptEmbeds, 2);
    if (promptEmbeds != null && negativePromptEmbeds != null
        && !java.util.Arrays.equals(promptEmbeds.shape(), negativePromptEmbeds.shape())) {
      throw new InvalidRequestException("negativePromptEmbeds", "must have the shape of promptEmbeds "
          + java.util.Arrays.toString(promptEmbeds.shape()) + ", got " + java.util.Arrays.toString(negativePromptEmbeds.shape()));
    }
  }

  private static void checkEmbeds(String field, FloatTensor t, int rank) {
    if (t != null && (t.rank() != rank || t.dim(0) != 1)) {
      throw new InvalidRequestException(field, "must be " + (rank == 3 ? "[1, tokens, hidden]" : "[1, dim]")
          + ", got " + java.util.Arrays.toString(t.shape()));
    }
  }

  /** These controls with one more LoRA. */
  public PromptControls withLora(LoraSpec lora) {
    List<LoraSpec> l = new ArrayList<>(loras);
    l.add(lora);
    return new PromptControls(l, textualInversions, clipSkip, promptEmbeds, negativePromptEmbeds, pooledPromptEmbeds,
        negativePooledPromptEmbeds);
  }

  /** These controls with one more textual-inversion file. */
  public PromptControls withTextualInversion(Path file) {
    List<Path> l = new ArrayList<>(textualInversions);
    l.add(file);
    return new PromptControls(loras, l, clipSkip, promptEmbeds, negativePromptEmbeds, pooledPromptEmbeds,
        negativePooledPromptEmbeds);
  }

  /** These controls with another clip skip. */
  public PromptControls withClipSkip(int n) {
    return new PromptControls(loras, textualInversions, n, promptEmbeds, negativePromptEmbeds, pooledPromptEmbeds,
        negativePooledPromptEmbeds);
  }

  /** These controls with caller-supplied embeddings (any may be null). */
  public PromptControls withEmbeds(FloatTensor prompt, FloatTensor negative, FloatTensor pooled,
      FloatTensor negativePooled) {
    return new PromptControls(loras, textualInversions, clipSkip, prompt, negative, pooled, negativePooled);
  }
}
