package io.diffuse4j.api.pipeline;

import java.util.List;

/**
 * The images of one request.
 *
 * @param images one per requested image, in order
 * @param warnings warnings about the request (unknown words, truncated prompt), also sent to the listener
 * @param millis wall time of the run in milliseconds
 */
public record GenerationResult(List<GeneratedImage> images, List<String> warnings, long millis) {

  /** The first image. */
  public GeneratedImage first() {
    return images.get(0);
  }
}
