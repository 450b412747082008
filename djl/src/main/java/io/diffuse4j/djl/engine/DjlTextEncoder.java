package io.diffuse4j.djl.engine;

import io.diffuse4j.api.model.TextEmbeddings;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TokenizedPrompt;
import io.diffuse4j.api.model.Tokenizer;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.List;

/**
 * A CLIP text encoder run by a DJL engine: {@code input_ids} [1, tokens] → {@code last_hidden_state}
 * [1, tokens, hidden] (and {@code pooler_output} when declared), one prompt at a time as the ONNX
 * encoder does. Thread-safe; closing it closes the model and the tokenizer.
 */
public final class DjlTextEncoder implements TextEncoder {

  private final DjlPart part;
  private final Tokenizer tokenizer;
  private final int hiddenIndex;
  private final int pooledIndex;
  private final int hiddenSize;

  /** Wraps an opened part. */
  public DjlTextEncoder(DjlPart part, Tokenizer tokenizer) {
    this.part = part;
    this.tokenizer = tokenizer;
    PartSpec spec = part.spec();
    int h = spec.outputIndex("last_hidden_state");
    this.hiddenIndex = h >= 0 ? h : 0;
    PartSpec.Value hidden = spec.outputs().get(hiddenIndex);
    if (hidden.shape().length != 3 || hidden.dim(2) <= 0) {
      throw new InvalidModelException(spec.file(), "Text encoder " + spec.file() + ": output '" + hidden.name()
          + "' must be [batch, tokens, hidden] with a fixed hidden size in " + PartSpec.ENTRY);
    }
    this.hiddenSize = hidden.dim(2);
    this.pooledIndex = spec.outputIndex("pooler_output");
  }

  @Override
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public int hiddenSize() {
    return hiddenSize;
  }

  @Override
  public TextEmbeddings encode(List<TokenizedPrompt> prompts) {
    FloatTensor[] hidden = new FloatTensor[prompts.size()];
    FloatTensor[] pooled = new FloatTensor[prompts.size()];
    for (int i = 0; i < hidden.length; i++) {
      int[] ids = prompts.get(i).ids();
      List<FloatTensor> out = part.run(DjlPart.Feed.ints(ids, 1, ids.length));
      hidden[i] = out.get(hiddenIndex);
      pooled[i] = pooledIndex >= 0 ? out.get(pooledIndex) : null;
    }
    return new TextEmbeddings(FloatTensor.concat(hidden), pooledIndex >= 0 ? FloatTensor.concat(pooled) : null);
  }

  @Override
  public void close() {
    try {
      part.close();
    } finally {
      if (tokenizer instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          throw new io.diffuse4j.api.pipeline.DiffusionException("Could not close the tokenizer: " + e.getMessage(), e);
        }
      }
    }
  }
}
