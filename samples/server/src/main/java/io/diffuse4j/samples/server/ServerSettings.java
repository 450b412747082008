package io.diffuse4j.samples.server;

import java.nio.file.Path;
import java.util.List;

/**
 * How a {@link DiffuseServer} runs: where it listens, which models it may load, and the limits it
 * puts on requests. Build with {@link #defaults()} and the {@code withX} methods.
 *
 * <pre>{@code
 * ServerSettings s = ServerSettings.defaults().withPort(7860).withModel(Path.of("sd15-onnx"));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param host address to bind; loopback unless the user asks otherwise
 * @param port TCP port, 0 for any free one
 * @param model the model folder loaded at start, or null for the bundled model
 * @param modelsDir a folder whose sub-folders are further models clients may switch to, or null
 * @param plugins a folder of plugin jars, or null
 * @param loraDir a folder of LoRA files clients may name, or null
 * @param workers generations that run at the same time on the one shared pipeline
 * @param maxQueue jobs that may wait for a worker; one more is refused with 429
 * @param maxBodyBytes the largest request body accepted (413 above)
 * @param maxSide the largest width or height accepted, in pixels
 * @param maxPixels the largest width x height accepted
 * @param maxSteps the most denoising steps accepted
 * @param maxImages the most images one request may ask for (batch_size x n_iter)
 * @param corsOrigins origins allowed by CORS; empty (the default) turns CORS off
 * @param keepJobs finished jobs kept for their results before the oldest are forgotten
 */
public record ServerSettings(String host, int port, Path model, Path modelsDir, Path plugins, Path loraDir,
    int workers, int maxQueue, long maxBodyBytes, int maxSide, long maxPixels, int maxSteps, int maxImages,
    List<String> corsOrigins, int keepJobs) {

  /** Checks the values. */
  public ServerSettings {
    corsOrigins = List.copyOf(corsOrigins);
    if (workers < 1 || maxQueue < 0 || maxBodyBytes < 1024 || maxSide < 8 || maxPixels < 64 || maxSteps < 1
        || maxImages < 1 || keepJobs < 1) {
      throw new IllegalArgumentException("Server limits must be positive (workers, queue, body, side, pixels, steps,"
          + " images, jobs kept)");
    }
  }

  /** Loopback on 7860, the bundled model, 2 workers, a queue of 8, 32 MB bodies, 2048 px sides, 150 steps. */
  public static ServerSettings defaults() {
    return new ServerSettings("127.0.0.1", 7860, null, null, null, null, 2, 8, 32L << 20, 2048, 2048L * 2048,
        150, 16, List.of(), 200);
  }

  /** With another bind address. */
  public ServerSettings withHost(String v) {
    return new ServerSettings(v, port, model, modelsDir, plugins, loraDir, workers, maxQueue, maxBodyBytes, maxSide,
        maxPixels, maxSteps, maxImages, corsOrigins, keepJobs);
  }

  /** With another port (0 = any free port). */
  public ServerSettings withPort(int v) {
    return new ServerSettings(host, v, model, modelsDir, plugins, loraDir, workers, maxQueue, maxBodyBytes, maxSide,
        maxPixels, maxSteps, maxImages, corsOrigins, keepJobs);
  }

  /** With the model folder loaded at start (null = bundled). */
  public ServerSettings withModel(Path v) {
    return new ServerSettings(host, port, v, modelsDir, plugins, loraDir, workers, maxQueue, maxBodyBytes, maxSide,
        maxPixels, maxSteps, maxImages, corsOrigins, keepJobs);
  }

  /** With a folder of further models. */
  public ServerSettings withModelsDir(Path v) {
    return new ServerSettings(host, port, model, v, plugins, loraDir, workers, maxQueue, maxBodyBytes, maxSide,
        maxPixels, maxSteps, maxImages, corsOrigins, keepJobs);
  }

  /** With a plugin folder. */
  public ServerSettings withPlugins(Path v) {
    return new ServerSettings(host, port, model, modelsDir, v, loraDir, workers, maxQueue, maxBodyBytes, maxSide,
        maxPixels, maxSteps, maxImages, corsOrigins, keepJobs);
  }

  /** With a LoRA folder. */
  public ServerSettings withLoraDir(Path v) {
    return new ServerSettings(host, port, model, modelsDir, plugins, v, workers, maxQueue, maxBodyBytes, maxSide,
        maxPixels, maxSteps, maxImages, corsOrigins, keepJobs);
  }

  /** With other worker and queue sizes. */
  public ServerSettings withQueue(int workerCount, int queueLength) {
    return new ServerSettings(host, port, model, modelsDir, plugins, loraDir, workerCount, queueLength, maxBodyBytes,
        maxSide, maxPixels, maxSteps, maxImages, corsOrigins, keepJobs);
  }

  /** With another body limit. */
  public ServerSettings withMaxBodyBytes(long v) {
    return new ServerSettings(host, port, model, modelsDir, plugins, loraDir, workers, maxQueue, v, maxSide,
        maxPixels, maxSteps, maxImages, corsOrigins, keepJobs);
  }

  /** With CORS allowed for these origins. */
  public ServerSettings withCorsOrigins(List<String> v) {
    return new ServerSettings(host, port, model, modelsDir, plugins, loraDir, workers, maxQueue, maxBodyBytes,
        maxSide, maxPixels, maxSteps, maxImages, v, keepJobs);
  }
}
