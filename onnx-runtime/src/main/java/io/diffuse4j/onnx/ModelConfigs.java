package io.diffuse4j.onnx;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.diffuse4j.api.pipeline.InvalidModelException;
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

  /** Largest model JSON file read ({@code config.json} and {@code model_index.json} are a few KB). */
  public static final long MAX_FILE_BYTES = 16L << 20;

  /**
   * Reads a JSON file (UTF-8, at most {@link #MAX_FILE_BYTES}, nesting limited by Jackson's
   * defaults), or fails naming the file and the parse error.
   *
   * @throws InvalidModelException naming the file
   */
  public static JsonNode read(Path file) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new InvalidModelException(file, file + " is " + size + " bytes; a model config file is at most "
            + MAX_FILE_BYTES + " bytes (real ones are a few KB). Fix or restore the file.");
      }
      return MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidModelException(file, "Could not read " + file + ": " + OnnxModel.firstLine(e.getMessage())
          + ". Fix or restore the file.", e);
    }
  }

  /** Reads a JSON file when it exists. */
  public static Optional<JsonNode> readIfPresent(Path file) {
    return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
  }
}
