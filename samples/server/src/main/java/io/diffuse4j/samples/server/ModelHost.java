package io.diffuse4j.samples.server;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.pipelines.Diffusion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The one pipeline all requests share, and the models clients may switch it to: the bundled model,
 * the start-up model and the sub-folders of the models folder (clients name models, never paths).
 * A switch loads the new model, waits for running generations to finish, swaps, and closes the old.
 *
 * <p>Thread-safe: generations hold a read lock, a switch the write lock.
 */
final class ModelHost implements AutoCloseable {

  static final String BUNDLED = "bundled";

  private final ServerSettings settings;
  private final Consumer<String> warnings;
  private final ReadWriteLock lock = new ReentrantReadWriteLock(true);
  private final Object switching = new Object();
  private volatile DiffusionPipeline pipeline;
  private volatile String current;

  ModelHost(ServerSettings settings, Consumer<String> warnings) {
    this.settings = settings;
    this.warnings = warnings;
    String first = settings.model() == null ? BUNDLED : settings.model().getFileName().toString();
    this.pipeline = open(settings.model());
    this.current = first;
  }

  /** The models clients may choose, by name, with their folders (null for the bundled model). */
  Map<String, Path> catalogue() {
    Map<String, Path> m = new LinkedHashMap<>();
    if (settings.model() != null) {
      m.put(settings.model().getFileName().toString(), settings.model());
    }
    if (settings.modelsDir() != null && Files.isDirectory(settings.modelsDir())) {
      try (Stream<Path> s = Files.list(settings.modelsDir())) {
        s.filter(p -> Files.isRegularFile(p.resolve("model_index.json"))).sorted()
            .forEach(p -> m.putIfAbsent(p.getFileName().toString(), p));
      } catch (IOException e) {
        warnings.accept("warning: cannot list the models folder " + settings.modelsDir() + ": " + e.getMessage());
      }
    }
    m.putIfAbsent(BUNDLED, null);
    return m;
  }

  /** The current model's name. */
  String current() {
    return current;
  }

  /** Runs {@code work} on the current pipeline; a model switch waits until it returns. */
  <T> T with(Function<DiffusionPipeline, T> work) {
    lock.readLock().lock();
    try {
      return work.apply(pipeline);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Switches to the model {@code name} (a name from {@link #catalogue()}); no-op when it is current. */
  void switchTo(String name) {
    synchronized (switching) {
      if (name.equals(current)) {
        return;
      }
      Map<String, Path> cat = catalogue();
      if (!cat.containsKey(name)) {
        throw ApiException.badRequest("sd_model_checkpoint", "Unknown model '" + name + "'; known: "
            + String.join(", ", cat.keySet()));
      }
      DiffusionPipeline next = open(cat.get(name));
      DiffusionPipeline old;
      lock.writeLock().lock();
      try {
        old = pipeline;
        pipeline = next;
        current = name;
      } finally {
        lock.writeLock().unlock();
      }
      old.close();
    }
  }

  private DiffusionPipeline open(Path dir) {
    Diffusion.Builder b = Diffusion.builder().warnings(warnings);
    if (dir != null) {
      b.model(dir);
    }
    if (settings.plugins() != null) {
      b.plugins(settings.plugins());
    }
    return b.load();
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      pipeline.close();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
