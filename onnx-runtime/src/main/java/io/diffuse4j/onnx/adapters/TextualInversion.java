package io.diffuse4j.onnx.adapters;

import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.onnx.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A textual-inversion embedding from a {@code .safetensors} file: one or more token vectors per
 * text encoder, used in prompts by name (the file name without extension, as AUTOMATIC1111 does).
 * Reads AUTOMATIC1111's {@code emb_params} {@code [n, hidden]}, SDXL's {@code clip_l} / {@code clip_g},
 * and diffusers' {@code learned_embeds.safetensors} (one tensor named after its token).
 *
 * <pre>{@code
 * TextualInversion ti = TextualInversion.read(Path.of("embeddings/<wave>.safetensors"));
 * ti.name();  // "<wave>"
 * }</pre>
 *
 * @param name the word that stands for the vectors in a prompt
 * @param file the file
 * @param vectors per part ({@code text_encoder}, {@code text_encoder_2}), {@code [n, hidden]} row-major
 * @param width per part, the hidden size of the vectors
 */
public record TextualInversion(String name, Path file, Map<String, float[]> vectors, Map<String, Integer> width) {

  /** The number of vectors (tokens) the name stands for. */
  public int tokenCount(String part) {
    float[] v = vectors.get(part);
    return v == null ? 0 : v.length / width.get(part);
  }

  /**
   * Reads an embedding named after the file.
   *
   * @throws InvalidModelException naming the file when it is no safetensors file or holds no embedding
   */
  public static TextualInversion read(Path file) {
    String stem = file.getFileName().toString();
    int dot = stem.lastIndexOf('.');
    return read(file, dot > 0 ? stem.substring(0, dot) : stem);
  }

  /** Reads an embedding under the given name. */
  public static TextualInversion read(Path file, String name) {
    SafetensorsFile f = SafetensorsFile.open(file);
    Map<String, float[]> vectors = new LinkedHashMap<>();
    Map<String, Integer> width = new LinkedHashMap<>();
    if (f.entry("clip_l") != null || f.entry("clip_g") != null) {
      put(f, "clip_l", "text_encoder", vectors, width);
      put(f, "clip_g", "text_encoder_2", vectors, width);
    } else if (f.entry("emb_params") != null) {
      put(f, "emb_params", "text_encoder", vectors, width);
    } else if (f.tensors().size() == 1) {
      put(f, f.tensors().keySet().iterator().next(), "text_encoder", vectors, width);
    } else {
      throw invalid(file, "is no textual-inversion embedding: expected a tensor emb_params, clip_l"
          + " / clip_g (SDXL) or a single token tensor, found " + f.tensors().keySet().stream().limit(5).toList());
    }
    return new TextualInversion(name, file, Map.copyOf(vectors), Map.copyOf(width));
  }

  private static void put(SafetensorsFile f, String key, String part, Map<String, float[]> vectors,
      Map<String, Integer> width) {
    SafetensorsFile.Entry e = f.entry(key);
    if (e == null) {
      return;
    }
    long[] s = e.shape();
    if (s.length < 1 || s.length > 2 || s[s.length - 1] == 0) {
      throw invalid(f.file(), "embedding tensor \"" + key + "\" has shape "
          + java.util.Arrays.toString(s) + ", expected [hidden] or [tokens, hidden]");
    }
    vectors.put(part, f.readFloats(key));
    width.put(part, (int) s[s.length - 1]);
  }

  private static InvalidModelException invalid(java.nio.file.Path file, String message) {
    return new InvalidModelException(file, file + ": " + message);
  }
}
