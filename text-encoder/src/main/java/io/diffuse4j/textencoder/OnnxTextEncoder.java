package io.diffuse4j.textencoder;

import io.diffuse4j.api.model.TextEmbeddings;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TokenizedPrompt;
import io.diffuse4j.api.model.Tokenizer;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.pipeline.InvalidRequestException;
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
  private final String hiddenStates;
  private final boolean ownsTokenizer;

  /**
   * Wraps an opened text encoder session.
   *
   * @param hiddenStates {@link #LAST_HIDDEN_STATE} or {@link #PENULTIMATE}
   */
  public OnnxTextEncoder(OnnxModel model, Tokenizer tokenizer, String hiddenStates) {
    this(model, tokenizer, hiddenStates, true);
  }

  private OnnxTextEncoder(OnnxModel model, Tokenizer tokenizer, String hiddenStates, boolean ownsTokenizer) {
    this.ownsTokenizer = ownsTokenizer;
    this.hiddenStates = hiddenStates;
    this.model = model;
    this.tokenizer = tokenizer;
    ValueSpec ids = model.input("input_ids");
    if (ids.type().isFloating()) {
      throw new InvalidModelException(model.file(), "Text encoder " + model.file() + ": 'input_ids' must be an integer tensor, the file"
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
        throw new InvalidModelException(model.file(), "Text encoder " + model.file() + " has no 'hidden_states.N' outputs, which SDXL"
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
      throw new InvalidModelException(model.file(), "Text encoder " + model.file() + ": output '" + hiddenOutput
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
    return run(prompts, hiddenOutput, null);
  }

  /**
   * Encodes with AUTOMATIC1111's clip skip: the {@code clipSkip}-th hidden layer from the last,
   * through the final layer norm as that tool and diffusers do for SD 1.x/2.x; for SDXL (whose
   * default is already the penultimate layer, without the norm) one layer further back per step.
   *
   * @throws InvalidRequestException naming the missing output when the export has no
   *     {@code hidden_states.N} outputs, or no final layer norm weights to apply
   */
  @Override
  public TextEmbeddings encode(List<TokenizedPrompt> prompts, int clipSkip) {
    if (clipSkip <= 1) {
      return encode(prompts);
    }
    int max = lastHiddenStateIndex();
    boolean penultimate = !hiddenOutput.equals(LAST_HIDDEN_STATE) && hiddenOutput.startsWith("hidden_states.");
    int index = penultimate ? max - clipSkip : max + 1 - clipSkip;
    String name = "hidden_states." + index;
    if (max < 0 || index < 0 || !model.hasOutput(name)) {
      throw new InvalidRequestException("clipSkip", "clip skip " + clipSkip + " needs the text encoder output '" + name
          + "', which " + model.file() + " does not export (it has " + model.outputs().keySet() + "). Export the"
          + " text encoder with its hidden states (output_hidden_states=True, as optimum does for SDXL), or use"
          + " clip skip 1.");
    }
    return run(prompts, name, penultimate ? null : finalLayerNorm());
  }

  private int lastHiddenStateIndex() {
    int max = -1;
    for (String name : model.outputs().keySet()) {
      if (name.startsWith("hidden_states.")) {
        try {
          max = Math.max(max, Integer.parseInt(name.substring("hidden_states.".length())));
        } catch (NumberFormatException e) {
          // not a layer output
        }
      }
    }
    return max;
  }

  private volatile float[][] layerNorm;

  /** The weights of CLIP's {@code text_model.final_layer_norm}, read from the graph once. */
  private float[][] finalLayerNorm() {
    float[][] ln = layerNorm;
    if (ln == null) {
      io.diffuse4j.onnx.graph.OnnxGraph g = io.diffuse4j.onnx.graph.OnnxGraph.read(model.file());
      io.diffuse4j.onnx.graph.OnnxInitializer w = g.initializer("text_model.final_layer_norm.weight");
      io.diffuse4j.onnx.graph.OnnxInitializer b = g.initializer("text_model.final_layer_norm.bias");
      if (w == null || b == null) {
        throw new InvalidRequestException("clipSkip", "clip skip needs the final layer norm of the text encoder"
            + " (initializers text_model.final_layer_norm.weight and .bias), which " + model.file()
            + " does not hold under these names; use clip skip 1 with this export");
      }
      ln = new float[][] {w.readFloats(), b.readFloats()};
      layerNorm = ln;
    }
    return ln;
  }

  private TextEmbeddings run(List<TokenizedPrompt> prompts, String hiddenName, float[][] norm) {
    Set<String> wanted = new HashSet<>();
    wanted.add(hiddenName);
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
      hidden[i] = norm == null ? out.get(hiddenName) : layerNorm(out.get(hiddenName), norm[0], norm[1]);
      pooled[i] = pooledOutput == null ? null : out.get(pooledOutput);
    }
    return new TextEmbeddings(FloatTensor.concat(hidden), pooledOutput == null ? null : FloatTensor.concat(pooled));
  }

  /** LayerNorm over the last axis, eps 1e-5 (CLIP's layer_norm_eps). */
  static FloatTensor layerNorm(FloatTensor x, float[] weight, float[] bias) {
    int h = x.dim(-1);
    float[] src = x.data();
    float[] out = new float[src.length];
    for (int row = 0; row < src.length / h; row++) {
      int off = row * h;
      double mean = 0;
      for (int j = 0; j < h; j++) {
        mean += src[off + j];
      }
      mean /= h;
      double var = 0;
      for (int j = 0; j < h; j++) {
        double d = src[off + j] - mean;
        var += d * d;
      }
      var /= h;
      double inv = 1 / Math.sqrt(var + 1e-5);
      for (int j = 0; j < h; j++) {
        out[off + j] = (float) ((src[off + j] - mean) * inv * weight[j] + bias[j]);
      }
    }
    return x.withData(out);
  }

  /** The underlying model. */
  public OnnxModel model() {
    return model;
  }

  /**
   * The same encoder over another session of the same graph (adapted weights), sharing this
   * encoder's tokenizer: closing the copy closes only its session.
   */
  public OnnxTextEncoder withModel(OnnxModel other) {
    return new OnnxTextEncoder(other, tokenizer, hiddenStates, false);
  }

  /** Closes the session and (unless shared from another encoder) the tokenizer's native handle. */
  @Override
  public void close() {
    try {
      model.close();
    } finally {
      if (ownsTokenizer && tokenizer instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          throw new io.diffuse4j.api.pipeline.DiffusionException("Could not close the tokenizer: " + e.getMessage(), e);
        }
      }
    }
  }
}
