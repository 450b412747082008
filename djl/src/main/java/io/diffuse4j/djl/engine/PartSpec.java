package io.diffuse4j.djl.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.diffuse4j.api.pipeline.InvalidModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What a TorchScript part declares about itself — the inputs, outputs and config that an ONNX file
 * carries in its signature — read from the {@code extra/diffuse4j.json} entry that
 * {@code torch.jit.save(..., _extra_files={"diffuse4j.json": ...})} writes into the {@code .pt} archive
 * (tools/fixtures/make_torchscript_models.py shows the format). Immutable and thread-safe.
 *
 * @param file the part's file
 * @param inputs the inputs in the order the module's {@code forward} takes them
 * @param outputs the outputs in the order the module returns them
 * @param config further numbers (channels, scale factors); an empty object when none
 */
public record PartSpec(Path file, List<Value> inputs, List<Value> outputs, JsonNode config) {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String ENTRY = "extra/diffuse4j.json";

  /** One input or output: name, element type ({@code float32}, {@code int32}, {@code int64}), shape (-1 = any). */
  public record Value(String name, String dtype, int[] shape) {
    /** The size of dimension {@code i} (negative counts from the end), -1 when dynamic. */
    public int dim(int i) {
      return shape[i < 0 ? shape.length + i : i];
    }
  }

  /** Reads the spec of {@code file}, refusing a file without one with a message naming the fix. */
  public static PartSpec read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidModelException(file, "Missing " + file + ": the PyTorch engine reads TorchScript parts"
          + " (model.pt beside model.onnx); write them with tools/fixtures/make_torchscript_models.py or torch.jit.save,"
          + " or use the OnnxRuntime engine for this model.");
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      ZipEntry entry = null;
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry z = e.nextElement();
        if (z.getName().endsWith("/" + ENTRY) || z.getName().equals(ENTRY)) {
          entry = z;
          break;
        }
      }
      if (entry == null) {
        throw new InvalidModelException(file, "The TorchScript file " + file + " has no " + ENTRY + " describing its"
            + " inputs and outputs. Save it with torch.jit.save(module, path, _extra_files={\"diffuse4j.json\": ...})"
            + " as tools/fixtures/make_torchscript_models.py does.");
      }
      JsonNode root;
      try (InputStream in = zip.getInputStream(entry)) {
        root = JSON.readTree(in);
      }
      return new PartSpec(file, values(file, root, "inputs"), values(file, root, "outputs"),
          root.path("config").isObject() ? root.get("config") : JSON.createObjectNode());
    } catch (IOException e) {
      throw new InvalidModelException(file, "Could not read the TorchScript file " + file + " (a zip archive): "
          + e.getMessage() + ". Re-export it with torch.jit.save.", e);
    }
  }

  private static List<Value> values(Path file, JsonNode root, String key) {
    JsonNode list = root.path(key);
    if (!list.isArray() || list.isEmpty()) {
      throw new InvalidModelException(file, file + " (" + ENTRY + "): '" + key + "' must be a non-empty list of"
          + " {name, dtype, shape}");
    }
    List<Value> out = new ArrayList<>();
    for (JsonNode v : list) {
      JsonNode s = v.path("shape");
      int[] shape = new int[s.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = s.get(i).asInt(-1);
      }
      out.add(new Value(v.path("name").asText(), v.path("dtype").asText("float32"), shape));
    }
    return List.copyOf(out);
  }

  /** The input called {@code name}, or null. */
  public Value input(String name) {
    return inputs.stream().filter(v -> v.name().equals(name)).findFirst().orElse(null);
  }

  /** The position of the output called {@code name}, or -1. */
  public int outputIndex(String name) {
    for (int i = 0; i < outputs.size(); i++) {
      if (outputs.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The config number {@code key}, or {@code fallback}. */
  public int configInt(String key, int fallback) {
    return config.path(key).isNumber() ? config.get(key).asInt() : fallback;
  }

  /** The config number {@code key}, or {@code fallback}. */
  public double configDouble(String key, double fallback) {
    return config.path(key).isNumber() ? config.get(key).asDouble() : fallback;
  }
}
