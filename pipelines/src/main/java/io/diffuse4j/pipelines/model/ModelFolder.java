package io.diffuse4j.pipelines.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.onnx.ModelConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A model folder in the layout Stable Diffusion ONNX exports use, checked before any session is
 * opened: {@code model_index.json}, {@code scheduler/scheduler_config.json}, {@code tokenizer/},
 * {@code text_encoder/model.onnx}, {@code unet/model.onnx}, {@code vae_decoder/model.onnx}, optional
 * {@code vae_encoder/model.onnx}; SDXL adds {@code text_encoder_2/} and {@code tokenizer_2/}.
 * An optional {@code diffuse4j.json} holds defaults (guidance_scale, num_inference_steps, width,
 * height, closed_vocabulary, family).
 *
 * @param dir the folder
 * @param pipelineClass {@code _class_name} of {@code model_index.json}
 * @param index the parsed {@code model_index.json}
 * @param defaults the parsed {@code diffuse4j.json}, or an empty object
 * @param dualTextEncoders whether the folder has a second text encoder (SDXL)
 */
public record ModelFolder(Path dir, String pipelineClass, JsonNode index, JsonNode defaults, boolean dualTextEncoders) {

  /**
   * Checks the folder and reads its index.
   *
   * @throws DiffusionException saying what was found and what was expected
   */
  public static ModelFolder inspect(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidModelException(dir, "Model folder " + dir + " does not exist or is not a folder. Give the"
          + " folder of a Stable Diffusion ONNX export (with model_index.json, unet/, vae_decoder/, text_encoder/,"
          + " tokenizer/, scheduler/), or no model folder to use the bundled model.");
    }
    Path indexFile = dir.resolve("model_index.json");
    List<String> missing = new ArrayList<>();
    for (String f : new String[] {"model_index.json", "scheduler/scheduler_config.json", "text_encoder/model.onnx",
        "unet/model.onnx", "vae_decoder/model.onnx"}) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        missing.add(f);
      }
    }
    Path tok = dir.resolve("tokenizer");
    if (!Files.isRegularFile(tok.resolve("tokenizer.json"))
        && !(Files.isRegularFile(tok.resolve("vocab.json")) && Files.isRegularFile(tok.resolve("merges.txt")))) {
      missing.add("tokenizer/tokenizer.json (or tokenizer/vocab.json + tokenizer/merges.txt)");
    }
    if (!missing.isEmpty()) {
      throw new InvalidModelException(dir, "Model folder " + dir + " is not a Stable Diffusion ONNX export: missing "
          + String.join(", ", missing) + ". Found: " + listing(dir) + ". Expected the layout of `optimum-cli export onnx"
          + " --task text-to-image` or diffusers' ONNX conversion script (see docs/models.md).");
    }
    JsonNode index = ModelConfigs.read(indexFile);
    String cls = index.path("_class_name").asText("");
    if (cls.isEmpty()) {
      throw new InvalidModelException(indexFile, indexFile + " has no \"_class_name\"; expected a diffusers pipeline class such as"
          + " \"StableDiffusionPipeline\" or \"StableDiffusionXLPipeline\".");
    }
    boolean dual = Files.isRegularFile(dir.resolve("text_encoder_2/model.onnx"));
    if (cls.contains("XL") && !dual) {
      throw new InvalidModelException(indexFile, indexFile + " says " + cls + " but the folder has no text_encoder_2/model.onnx;"
          + " SDXL exports have two text encoders. Found: " + listing(dir));
    }
    JsonNode defaults = ModelConfigs.readIfPresent(dir.resolve("diffuse4j.json"))
        .orElse(ModelConfigs.mapper().createObjectNode());
    return new ModelFolder(dir, cls, index, defaults, dual);
  }

  /** The model's name: {@code name} of {@code diffuse4j.json}, {@code bundled} for the bundled model, else the folder's name. */
  public String name() {
    if (defaults.hasNonNull("name")) {
      return defaults.path("name").asText();
    }
    if ("bundled".equals(defaults.path("family").asText(""))) {
      return "bundled";
    }
    Path n = dir.toAbsolutePath().normalize().getFileName();
    return n == null ? dir.toString() : n.toString();
  }

  /**
   * A number from {@code diffuse4j.json}.
   *
   * @throws InvalidModelException when it is NaN or infinite (guidance NaN would silently turn guidance off)
   */
  public Optional<Double> defaultNumber(String key) {
    JsonNode n = defaults.path(key);
    if (!n.isNumber()) {
      return Optional.empty();
    }
    double v = n.asDouble();
    if (!Double.isFinite(v)) {
      Path file = dir.resolve("diffuse4j.json");
      throw new InvalidModelException(file, file + ": \"" + key + "\" is " + v + "; defaults must be finite numbers."
          + " Fix the value or remove the key.");
    }
    return Optional.of(v);
  }

  /** Whether the tokenizer's vocabulary is closed (words outside it are warned about). */
  public boolean closedVocabulary() {
    return defaults.path("closed_vocabulary").asBoolean(false);
  }

  private static String listing(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names = s.map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).sorted().toList();
      return names.isEmpty() ? "(empty folder)" : String.join(" ", names);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
