package io.diffuse4j.plugins;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Something {@link PluginLoader} skipped, and why. Every problem is a warning: the offending jar
 * (or only the offending provider of a jar) is left out, the other plugins and the built-in
 * schedulers keep working. Embedders print them ({@link #toString()} is the message) or refuse
 * to start with {@link LoadedPlugins#requireNoProblems()}.
 *
 * <pre>{@code
 * try (LoadedPlugins plugins = PluginLoader.load(dir)) {
 *   plugins.problems().forEach(p -> System.err.println("warning: " + p));
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param jar the jar the problem is in
 * @param kind what went wrong
 * @param subject the class, plugin or scheduler name concerned; empty when the whole jar is meant
 * @param message a full sentence naming the jar, the subject, the cause and the fix
 */
public record PluginProblem(Path jar, Kind kind, String subject, String message) {

  /** What kind of problem; all are warnings that skip the jar or the provider. */
  public enum Kind {
    /** The jar could not be read as a jar (corrupt, truncated, not a zip file): jar skipped. */
    UNREADABLE_JAR,
    /** The jar lists no plugin and no scheduler provider in {@code META-INF/services}: jar skipped. */
    NOT_A_PLUGIN,
    /**
     * A listed class is missing or of the wrong type, its constructor threw, or one of its methods
     * threw: that plugin or provider skipped, the rest of the jar kept.
     */
    PROVIDER_FAILED,
    /** A scheduler name is empty, not lower case or contains spaces: that provider skipped. */
    INVALID_NAME,
    /**
     * A scheduler name is already taken by a built-in scheduler or by a plugin loaded earlier
     * (jars load in file-name order): the later provider skipped.
     */
    DUPLICATE_NAME,
    /** The jar took longer than the loader's time limit to load: jar skipped. */
    TIMED_OUT
  }

  /** Checks that no component is null. */
  public PluginProblem {
    Objects.requireNonNull(jar, "jar");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
  }

  /** The message. */
  @Override
  public String toString() {
    return message;
  }
}
