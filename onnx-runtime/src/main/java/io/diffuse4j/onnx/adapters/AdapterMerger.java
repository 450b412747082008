package io.diffuse4j.onnx.adapters;

import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.onnx.graph.OnnxInitializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges LoRA adapters and textual-inversion embeddings into the weights of an exported model:
 * for each adapted layer {@code W' = W + scale · (alpha / rank) · up · down} (conv kernels
 * flattened to {@code [out, in·kh·kw]}), written in the layout the initializer has (transposed for
 * a Linear folded into a MatMul); embeddings are appended as new rows of the token-embedding table.
 * The result is a set of {@link WeightOverride}s per model part, which sessions take at creation
 * ({@code OnnxSessionFactory.open(file, part, overrides)}); the model files are not changed.
 *
 * <pre>{@code
 * AdapterMerger.Result r = AdapterMerger.merge(Map.of("unet", unetIndex, "text_encoder", teIndex),
 *     List.of(new AdapterMerger.LoraUse(LoraFile.read(path), 0.8)), List.of());
 * r.warnings();   // layers that matched nothing, keys of unsupported kinds
 * }</pre>
 *
 * <p>Thread-safe: stateless.
 */
public final class AdapterMerger {

  private AdapterMerger() {}

  /**
   * One LoRA and its strength.
   *
   * @param file the adapter
   * @param scale its multiplier (1 = as trained)
   */
  public record LoraUse(LoraFile file, double scale) {}

  /**
   * What merging gives.
   *
   * @param overrides per part, the initializers to replace
   * @param embeddingIds per part, each embedding's name and the token ids its vectors got
   * @param warnings layers of a file that matched no weight of the model, and keys of adapter kinds
   *     that are not LoRA; one line each
   * @param mergedLayers how many layers were changed, over all files
   */
  public record Result(Map<String, List<WeightOverride>> overrides, Map<String, Map<String, int[]>> embeddingIds,
      List<String> warnings, int mergedLayers) {}

  /**
   * Merges {@code loras} and {@code embeddings} into the parts indexed in {@code parts} (keyed
   * {@code unet}, {@code text_encoder}, {@code text_encoder_2}).
   *
   * @throws InvalidModelException naming the file and layer when shapes do not fit, or when a LoRA
   *     file matches no layer at all (it was made for another model)
   */
  public static Result merge(Map<String, WeightIndex> parts, List<LoraUse> loras, List<TextualInversion> embeddings) {
    Map<String, Map<String, float[]>> merged = new LinkedHashMap<>(); // part -> initializer -> values
    Map<String, Map<String, OnnxInitializer>> inits = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    int layers = 0;
    for (LoraUse use : loras) {
      LoraFile f = use.file();
      List<String> unmatched = new ArrayList<>();
      int matched = 0;
      for (LoraFile.Module m : f.modules()) {
        WeightIndex index = parts.get(m.part());
        WeightIndex.Target t = index == null ? null : index.find(m.module(), m.layout() == LoraLayout.KOHYA);
        if (t == null) {
          unmatched.add(m.displayName());
          continue;
        }
        OnnxInitializer init = t.initializer();
        float[] w = merged.computeIfAbsent(m.part(), p -> new LinkedHashMap<>())
            .computeIfAbsent(init.name(), n -> init.readFloats());
        inits.computeIfAbsent(m.part(), p -> new LinkedHashMap<>()).put(init.name(), init);
        addDelta(f, m, use.scale(), t, w);
        matched++;
      }
      layers += matched;
      if (matched == 0) {
        throw invalid(f.path(), "none of its " + f.modules().size() + " layers matches a weight of"
            + " this model (first: " + unmatched.get(0) + "); it was made for another model family"
            + (unmatched.get(0).contains("input_blocks") || unmatched.get(0).contains("output_blocks")
                ? " or uses the original (LDM/SGM) block names, which diffuse4j does not map yet" : ""));
      }
      if (!unmatched.isEmpty()) {
        warnings.add("LoRA " + f.path().getFileName() + ": " + unmatched.size() + " of " + f.modules().size()
            + " layers match no weight of this model and were not applied: " + String.join(", ", unmatched));
      }
      if (!f.unsupportedKeys().isEmpty()) {
        warnings.add("LoRA " + f.path().getFileName() + ": " + f.unsupportedKeys().size()
            + " keys are not LoRA down/up/alpha weights (LoHa, LoKr, DoRA or full diffs are not supported) and were"
            + " not applied: " + String.join(", ", f.unsupportedKeys()));
      }
    }
    Map<String, List<WeightOverride>> overrides = new LinkedHashMap<>();
    merged.forEach((part, byName) -> {
      List<WeightOverride> list = overrides.computeIfAbsent(part, p -> new ArrayList<>());
      byName.forEach((name, values) -> {
        OnnxInitializer init = inits.get(part).get(name);
        list.add(new WeightOverride(name, init.dataType(), init.dims().clone(), values, init.external()));
      });
    });
    Map<String, Map<String, int[]>> ids = new LinkedHashMap<>();
    if (!embeddings.isEmpty()) {
      for (Map.Entry<String, WeightIndex> e : parts.entrySet()) {
        if (e.getKey().startsWith("text_encoder")) {
          ids.put(e.getKey(), appendEmbeddings(e.getKey(), e.getValue(), embeddings, merged, overrides));
        }
      }
    }
    return new Result(overrides, ids, List.copyOf(warnings), layers);
  }

  private static Map<String, int[]> appendEmbeddings(String part, WeightIndex index, List<TextualInversion> tis,
      Map<String, Map<String, float[]>> merged, Map<String, List<WeightOverride>> overrides) {
    OnnxInitializer table = index.gatheredTables().stream()
        .max(Comparator.comparingLong((OnnxInitializer i) -> i.name().contains("token_embedding") ? Long.MAX_VALUE
            : i.dims()[0])).orElseThrow(() -> invalid(index.graph().file(),
                "has no token-embedding table (a Gather from a [vocab, hidden] initializer) to add embeddings to"));
    int rows = (int) table.dims()[0];
    int hidden = (int) table.dims()[1];
    float[] base = merged.getOrDefault(part, Map.of()).getOrDefault(table.name(), null);
    if (base == null) {
      base = table.readFloats();
    }
    Map<String, int[]> ids = new LinkedHashMap<>();
    List<float[]> extra = new ArrayList<>();
    int next = rows;
    for (TextualInversion ti : tis) {
      float[] v = ti.vectors().get(part);
      if (v == null) {
        throw invalid(ti.file(), "has no vectors for the " + part + " of this model"
            + (part.equals("text_encoder_2") ? " (an SDXL embedding needs clip_g as well as clip_l)" : ""));
      }
      if (ti.width().get(part) != hidden) {
        throw invalid(ti.file(), "has vectors of width " + ti.width().get(part) + " but the "
            + part + " embeds tokens in " + hidden + ": it was made for another model family");
      }
      int n = ti.tokenCount(part);
      int[] mine = new int[n];
      for (int i = 0; i < n; i++) {
        mine[i] = next++;
      }
      ids.put(ti.name(), mine);
      extra.add(v);
    }
    float[] grown = Arrays.copyOf(base, next * hidden);
    int off = rows * hidden;
    for (float[] v : extra) {
      System.arraycopy(v, 0, grown, off, v.length);
      off += v.length;
    }
    List<WeightOverride> list = overrides.computeIfAbsent(part, p -> new ArrayList<>());
    list.removeIf(o -> o.name().equals(table.name()));
    list.add(new WeightOverride(table.name(), table.dataType(), new long[] {next, hidden}, grown, false));
    return ids;
  }

  private static void addDelta(LoraFile f, LoraFile.Module m, double scale, WeightIndex.Target t, float[] w) {
    var st = f.file();
    var downE = st.entry(m.downKey());
    var upE = st.entry(m.upKey());
    long[] ds = downE.shape();
    long[] us = upE.shape();
    int rank = (int) ds[0];
    long k = 1;
    for (int i = 1; i < ds.length; i++) {
      k *= ds[i];
    }
    int out = (int) us[0];
    long upRank = 1;
    for (int i = 1; i < us.length; i++) {
      upRank *= us[i];
    }
    long[] dims = t.initializer().dims();
    long rest = 1;
    for (int i = 1; i < dims.length; i++) {
      rest *= dims[i];
    }
    boolean fits = upRank == rank && (t.transposed()
        ? dims.length == 2 && dims[0] == k && dims[1] == out
        : dims[0] == out && rest == k);
    if (!fits) {
      throw invalid(f.path(), "layer " + m.displayName() + " has down " + Arrays.toString(ds)
          + " and up " + Arrays.toString(us) + ", which do not fit the model's weight " + t.initializer().name()
          + " " + Arrays.toString(dims) + (t.transposed() ? " (stored transposed)" : "")
          + ": the LoRA was made for another model");
    }
    double alpha = rank;
    if (m.alphaKey() != null) {
      alpha = st.readFloats(m.alphaKey())[0];
    }
    float[] down = st.readFloats(m.downKey());
    float[] up = st.readFloats(m.upKey());
    double factor = scale * alpha / rank;
    int kk = (int) k;
    for (int o = 0; o < out; o++) {
      for (int c = 0; c < kk; c++) {
        double d = 0;
        for (int r = 0; r < rank; r++) {
          d += (double) up[o * rank + r] * down[r * kk + c];
        }
        int idx = t.transposed() ? c * out + o : o * kk + c;
        w[idx] = (float) (w[idx] + factor * d);
      }
    }
  }

  private static InvalidModelException invalid(java.nio.file.Path file, String message) {
    return new InvalidModelException(file, file + ": " + message);
  }
}
