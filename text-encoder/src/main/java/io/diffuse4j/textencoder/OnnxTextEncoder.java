package io.diffuse4j.textencoder;

import io.diffuse4j.api.model.TextEmbeddings;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TokenizedPrompt;
import io.diffuse4j.api.model.Tokenizer;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.TensorValue;
import io.diffuse4j.onnx.ValueSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CLIP text encoder exported to ONNX: {@code input_ids} (int32 or int64) to hidden states
 * ({@code last_hidden_state}, or the penultimate {@code hidden_states.N} for SDXL) and a pooled
 * vector ({@code pooler_output} or {@code text_embeds}). Prompts are encoded one per call, as
 * diffusers' ONNX pipelines do, so fixed-batch exports work too.
 *
 * <p>Thread-safe. Close to free the session.
 */
public final class OnnxTextEncoder implements TextEncoder {

  /** Selects the last hidden state. */
  public static final String LAST_HIDDEN_STATE = "last_hidden_state";
  /** Selects the second-to-last hidden state (SDXL). */
  public static final String PENULTIMATE = "penultimate";

  private final OnnxModel model;
  private final Tokenizer tokenizer;
  private final String hiddenOutput;
  private final String pooledOutput;
  private final int hiddenSize;

  /**
   * Wraps an opened text encoder session.
   *
   * @param hiddenStates {@link #LAST_HIDDEN_STATE} or {@link #PENULTIMATE}
   */
  public OnnxTextEncoder(OnnxModel model, Tokenizer tokenizer, String hiddenStates) {
    this.model = model;
    this.tokenizer = tokenizer;
    ValueSpec ids = model.input("input_ids");
    if (ids.type().isFloating()) {
      throw new DiffusionException("Text encoder " + model.file() + ": 'input_ids' must be an integer tensor, the file"
          + " declares " + ids);
    }
    if (PENULTIMATE.equals(hiddenStates)) {
      int max = -1;
      for (String name : model.outputs().keySet()) {
        if (name.startsWith("hidden_states.")) {
          max = Math.max(max, Integer.parseInt(name.substring("hidden_states.".length())));
        }
      }
      if (max < 1) {
        throw new DiffusionException("Text encoder " + model.file() + " has no 'hidden_states.N' outputs, which SDXL"
            + " needs (penultimate layer); it has " + model.outputs().values()
            + ". Re-export with optimum-cli export onnx, which writes them.");
      }
      this.hiddenOutput = "hidden_states." + (max - 1);
    } else {
      this.hiddenOutput = model.hasOutput(LAST_HIDDEN_STATE) ? LAST_HIDDEN_STATE
          : model.outputs().keySet().iterator().next();
    }
    ValueSpec h = model.output(hiddenOutput);
    if (h.rank() != 3 || h.isDynamic(2)) {
      throw new DiffusionException("Text encoder " + model.file() + ": output '" + hiddenOutput
          + "' must be [batch, tokens, hidden] with a fixed hidden size, the file declares " + h);
    }
    this.hiddenSize = (int) h.dim(2);
    this.pooledOutput = model.hasOutput("text_embeds") ? "text_embeds"
        : model.hasOutput("pooler_output") ? "pooler_output" : null;
  }

  @Override
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public int hiddenSize() {
    return hiddenSize;
  }

  /** The width of the pooled output, or -1 when the export has none. */
  public int pooledSize() {
    return pooledOutput == null ? -1 : (int) model.output(pooledOutput).dim(-1);
  }

  @Override
  public TextEmbeddings encode(List<TokenizedPrompt> prompts) {
    Set<String> wanted = new HashSet<>();
    wanted.add(hiddenOutput);
    if (pooledOutput != null) {
      wanted.add(pooledOutput);
    }
    FloatTensor[] hidden = new FloatTensor[prompts.size()];
    FloatTensor[] pooled = new FloatTensor[prompts.size()];
    for (int i = 0; i < hidden.length; i++) {
      int[] ids = prompts.get(i).ids();
      long[] l = new long[ids.length];
      for (int j = 0; j < ids.length; j++) {
        l[j] = ids[j];
      }
      Map<String, FloatTensor> out = model.run(Map.of("input_ids", TensorValue.ofLongs(l, 1, l.length)), wanted);
      hidden[i] = out.get(hiddenOutput);
      pooled[i] = pooledOutput == null ? null : out.get(pooledOutput);
    }
    return new TextEmbeddings(FloatTensor.concat(hidden), pooledOutput == null ? null : FloatTensor.concat(pooled));
  }

  /** The underlying model. */
  public OnnxModel model() {
    return model;
  }

  /** Closes the session and the tokenizer's native handle. */
  @Override
  public void close() {
    try {
      model.close();
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
