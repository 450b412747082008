package io.diffuse4j.djl;

import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.ndarray.BytesSupplier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.pipelines.image.PngWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * DJL Serving's {@link Input} → {@link Output}: the request body is either a plain-text prompt or a JSON
 * object {@code {"prompt": "...", "negative_prompt": "...", "steps": 20, "guidance_scale": 7.5,
 * "seed": 42, "width": 64, "height": 64, "scheduler": "ddim", "num_images": 1}} (diffusers' names;
 * {@code inputs} is accepted for {@code prompt}, {@code num_inference_steps} for {@code steps}); the answer
 * is the PNG of each image ({@code Content-Type: image/png}, generation parameters in the PNG text as the
 * CLI writes them). Thread-safe.
 */
final class ServingTranslator extends DiffusionTranslator<Input, Output> {

  private static final ObjectMapper JSON = new ObjectMapper();

  ServingTranslator(DiffusionModel model, RequestDefaults defaults) {
    super(model, defaults);
  }

  @Override
  GenerationRequest request(Input input) throws IOException {
    BytesSupplier data = input.getData();
    if (data == null) {
      throw new InvalidRequestException("prompt", "The request has no body: send a prompt as text or a JSON object"
          + " with a \"prompt\" field");
    }
    String body = new String(data.getAsBytes(), StandardCharsets.UTF_8).trim();
    if (!body.startsWith("{")) {
      return defaults.forPrompt(body);
    }
    JsonNode json = JSON.readTree(body);
    String prompt = json.has("prompt") ? json.get("prompt").asText() : json.path("inputs").asText(null);
    if (prompt == null) {
      throw new InvalidRequestException("prompt", "The JSON request has no \"prompt\" (or \"inputs\") field; it has "
          + fieldNames(json));
    }
    GenerationRequest.Builder b = defaults.forPrompt(prompt).toBuilder();
    if (json.has("negative_prompt")) {
      b.negativePrompt(json.get("negative_prompt").asText());
    }
    JsonNode steps = json.has("steps") ? json.get("steps") : json.get("num_inference_steps");
    if (steps != null) {
      b.steps(number(steps, "steps").intValue());
    }
    if (json.has("guidance_scale")) {
      b.guidanceScale(number(json.get("guidance_scale"), "guidance_scale").doubleValue());
    }
    if (json.has("seed")) {
      b.seed(number(json.get("seed"), "seed").longValue());
    }
    if (json.has("width")) {
      b.width(number(json.get("width"), "width").intValue());
    }
    if (json.has("height")) {
      b.height(number(json.get("height"), "height").intValue());
    }
    if (json.has("scheduler")) {
      b.scheduler(json.get("scheduler").asText());
    }
    if (json.has("num_images")) {
      b.numImages(number(json.get("num_images"), "num_images").intValue());
    }
    return b.build();
  }

  private static Number number(JsonNode n, String field) {
    if (!n.isNumber()) {
      throw new InvalidRequestException(field, "The JSON field \"" + field + "\" must be a number, got " + n);
    }
    return n.numberValue();
  }

  private static String fieldNames(JsonNode json) {
    StringBuilder sb = new StringBuilder("[");
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      sb.append(it.next().getKey()).append(it.hasNext() ? ", " : "");
    }
    return sb.append(']').toString();
  }

  @Override
  Output output(GenerationResult result) throws IOException {
    Output out = new Output();
    out.addProperty("Content-Type", "image/png");
    for (GeneratedImage image : result.images()) {
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      PngWriter.write(image, png);
      out.add(png.toByteArray());
    }
    return out;
  }
}
