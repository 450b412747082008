package io.diffuse4j.plugins;

import io.diffuse4j.api.pipeline.DiffusionException;

/**
 * The plugins could not be loaded at all (the plugin folder is missing or unreadable), or an
 * embedder asked for a clean load with {@link LoadedPlugins#requireNoProblems()} and there were
 * problems. Problems with single jars are not thrown: they are reported as
 * {@link PluginProblem}s. The message names the folder or lists every problem.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * try {
 *   PluginLoader.load(Path.of("plugins")).close();
 * } catch (PluginLoadException e) {
 *   System.err.println(e.getMessage());
 * }
 * }</pre>
 */
public class PluginLoadException extends DiffusionException {

  private static final long serialVersionUID = 1L;

  /** An error with its message. */
  public PluginLoadException(String message) {
    super(message);
  }

  /** An error with its message and cause. */
  public PluginLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
