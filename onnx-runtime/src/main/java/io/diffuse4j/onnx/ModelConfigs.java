package io.diffuse4j.onnx;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.diffuse4j.api.pipeline.DiffusionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the small JSON files of a model folder ({@code config.json}, {@code model_index.json}),
 * allowing the non-standard numbers ({@code -Infinity}, {@code NaN}) Python's json writes.
 * Stateless and thread-safe.
 */
public final class ModelConfigs {

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
      .build();

  private ModelConfigs() {}

  /** The JSON mapper used for model files. */
  public static JsonMapper mapper() {
    return MAPPER;
  }

  /** Reads a JSON file, or fails naming the file and the parse error. */
  public static JsonNode read(Path file) {
    try {
      return MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new DiffusionException("Could not read " + file + ": " + OnnxModel.firstLine(e.getMessage())
          + ". Fix or restore the file.", e);
    }
  }

  /** Reads a JSON file when it exists. */
  public static Optional<JsonNode> readIfPresent(Path file) {
    return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
  }
}
