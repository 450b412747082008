package io.diffuse4j.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * A folder of ONNX models as ONNX Runtime optimized them ({@code SessionOptions.setOptimizedModelFilePath}),
 * so a later load skips graph optimization. An entry is keyed by the model file (absolute path, size,
 * modification time), the ONNX Runtime version and the session settings, so a changed model, runtime
 * or setting never reuses an old entry. Writers write to a unique temporary name and rename it into
 * place atomically: concurrent loads (threads or JVMs) see a whole entry or none; a writer killed
 * before it could rename leaves its temporary file, which the next entry published for the same
 * model file deletes once it is an hour old.
 *
 * <p>Models with external data ({@code model.onnx_data}) and files of 2 GB or more are not cached
 * (ONNX Runtime would have to rewrite their weights).
 *
 * <p>Thread-safe.
 */
public final class OptimizedModelCache {

  private static final long MAX_BYTES = (1L << 31) - 1;

  private final Path dir;

  /** A cache in {@code dir} (created when first written). */
  public OptimizedModelCache(Path dir) {
    this.dir = dir;
  }

  /** The cache folder. */
  public Path dir() {
    return dir;
  }

  /**
   * The cached entry's path for this model and settings (which may not exist yet), or empty when not
   * cacheable. Named {@code <part>-<source>-<version>.ort.onnx}: {@code <source>} hashes the model
   * file's absolute path, {@code <version>} its size and modification time, the ONNX Runtime version
   * and the settings, so the entries of one model file share a prefix ({@link #publish} removes the
   * outdated ones).
   */
  Optional<Path> entryFor(Path model, String ortVersion, String settings) {
    try {
      BasicFileAttributes a = Files.readAttributes(model, BasicFileAttributes.class);
      if (a.size() >= MAX_BYTES || hasExternalData(model)) {
        return Optional.empty();
      }
      String source = hash(model.toAbsolutePath().normalize().toString()).substring(0, 12);
      String version = hash(a.size() + "\n" + a.lastModifiedTime().toMillis() + "\n" + ortVersion + "\n" + settings)
          .substring(0, 16);
      String part = model.getParent() == null || model.getParent().getFileName() == null ? "model"
          : model.getParent().getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
      return Optional.of(dir.resolve(part + "-" + source + "-" + version + SUFFIX));
    } catch (IOException | NoSuchAlgorithmException e) {
      return Optional.empty();
    }
  }

  private static final String SUFFIX = ".ort.onnx";
  private static final String TEMPORARY_SUFFIX = ".tmp.onnx";

  private static String hash(String s) throws NoSuchAlgorithmException {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static boolean hasExternalData(Path model) throws IOException {
    Path parent = model.toAbsolutePath().getParent();
    if (parent == null) {
      return false;
    }
    try (var files = Files.list(parent)) {
      return files.anyMatch(p -> !p.equals(model.toAbsolutePath()) && !p.getFileName().toString().endsWith(".json")
          && !p.getFileName().toString().endsWith(".onnx"));
    }
  }

  /** A unique temporary path next to {@code entry} for ONNX Runtime to write to. */
  Path temporaryFor(Path entry) throws IOException {
    Files.createDirectories(entry.getParent());
    return entry.resolveSibling(entry.getFileName() + "." + UUID.randomUUID() + TEMPORARY_SUFFIX);
  }

  /**
   * Moves a finished temporary file into place (another writer's copy of the same entry wins
   * silently), then deletes the entries of the same model file for other versions or settings: a
   * re-exported model or a new ONNX Runtime leaves one entry per model file, not one per change.
   */
  static void publish(Path tmp, Path entry) {
    try {
      if (!Files.isRegularFile(tmp)) {
        return;
      }
      try {
        Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.deleteIfExists(tmp);
        return;
      }
      removeOutdated(entry);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the cache is an optimisation: a failed write only costs the next load its optimization
      }
    }
  }

  /**
   * How old a temporary file must be before {@link #publish} takes it for the leftover of a writer
   * that was killed: ONNX Runtime writes an entry (at most 2 GB) in well under a minute, so a live
   * writer's file is never this old. Deleting a live one anyway is harmless: its writer then finds
   * no file to publish and the next load writes the entry again.
   */
  static final Duration ABANDONED_AFTER = Duration.ofHours(1);

  /**
   * Deletes the other entries sharing {@code entry}'s {@code <part>-<source>-} prefix, and the
   * temporary files of that prefix that writers killed before they could publish left behind
   * (older than {@link #ABANDONED_AFTER}).
   */
  private static void removeOutdated(Path entry) throws IOException {
    String name = entry.getFileName().toString();
    String prefix = name.substring(0, name.lastIndexOf('-') + 1);
    long abandoned = System.currentTimeMillis() - ABANDONED_AFTER.toMillis();
    try (var files = Files.list(entry.getParent())) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String n = p.getFileName().toString();
        if (!n.startsWith(prefix) || n.equals(name)) {
          continue;
        }
        if (n.endsWith(TEMPORARY_SUFFIX)) {
          if (Files.getLastModifiedTime(p).toMillis() < abandoned) {
            Files.deleteIfExists(p);
          }
        } else if (n.endsWith(SUFFIX)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
