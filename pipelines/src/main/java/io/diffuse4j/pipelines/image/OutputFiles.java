package io.diffuse4j.pipelines.image;

import io.diffuse4j.api.pipeline.InvalidRequestException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes output files without ever touching anything but the file asked for: the bytes go to a
 * temporary file that {@link Files#createTempFile} creates in the target's folder (an unpredictable
 * name, created exclusively, so a planted file or symbolic link is never opened), which is then
 * renamed over the target. The target itself may only be absent, or a regular file when the
 * caller allows replacing it ({@link IfExists#REPLACE}); a symbolic link, directory, device, FIFO
 * or socket at the target is refused, and {@link #check} lets callers refuse it before spending
 * time on a generation. Stateless and thread-safe.
 *
 * <pre>{@code
 * OutputFiles.check(out, IfExists.FAIL);            // before generating
 * OutputFiles.write(out, IfExists.FAIL, stream -> PngWriter.write(image, stream));
 * }</pre>
 */
public final class OutputFiles {

  /** What to do when the output file already exists. */
  public enum IfExists {
    /** Refuse: the existing file is kept and the write fails. */
    FAIL,
    /** Replace an existing regular file (never a link, folder, device or FIFO). */
    REPLACE
  }

  /** Writes bytes to a stream. */
  @FunctionalInterface
  public interface Body {
    /** Writes the content (the stream is closed by the caller). */
    void writeTo(OutputStream out) throws IOException;
  }

  /** rw-rw-rw- less the umask: what a new file gets ({@code createTempFile} alone would give rw-------). */
  private static final FileAttribute<Set<PosixFilePermission>> DEFAULT_PERMISSIONS =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-"));

  private OutputFiles() {}

  /**
   * Checks that {@code file} may be written with {@code mode}: its folder exists or can be
   * created, and the path is absent, or a regular file with {@link IfExists#REPLACE}.
   *
   * @throws InvalidRequestException (field {@code "output"}) naming the path and what is there
   */
  public static void check(Path file, IfExists mode) {
    String problem = problem(file, mode);
    if (problem != null) {
      throw new InvalidRequestException("output", problem);
    }
  }

  /** The reason {@code file} may not be written, or null. */
  static String problem(Path file, IfExists mode) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException absent) {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
        return "Cannot write " + file + ": " + parent + " is not a folder";
      }
      return null;
    }
    if (a.isSymbolicLink()) {
      return "Refusing to write " + file + ": it is a symbolic link (diffuse4j never writes through links);"
          + " give the real path or remove the link";
    }
    if (a.isDirectory()) {
      return "Cannot write " + file + ": it is a folder; give a file name such as " + file.resolve("out.png");
    }
    if (!a.isRegularFile()) {
      return "Refusing to write " + file + ": it is a device, FIFO or socket, not a regular file";
    }
    if (mode != IfExists.REPLACE) {
      return file + " already exists; it was not replaced (allow replacing existing files to overwrite it)";
    }
    return null;
  }

  /**
   * Writes {@code body} to {@code file} through a temporary file in the same folder, renamed over
   * {@code file} when complete (so a failure never leaves half a file and never harms another
   * file). Creates missing parent folders. The file gets the default permissions of new files.
   *
   * @throws FileAlreadyExistsException when {@code file} exists and {@code mode} is {@link IfExists#FAIL}
   * @throws IOException when {@code file} is not a regular file, or writing fails
   */
  public static void write(Path file, IfExists mode, Body body) throws IOException {
    Path abs = file.toAbsolutePath();
    Path parent = abs.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    String problem = problem(abs, mode);
    if (problem != null) {
      throw Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && mode == IfExists.FAIL
          && Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)
          ? new FileAlreadyExistsException(file.toString(), null, problem) : new IOException(problem);
    }
    // createTempFile: a random name, created with CREATE_NEW (O_EXCL: never opens an existing file or link)
    Path tmp = parent.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? Files.createTempFile(parent, "." + abs.getFileName() + ".", ".tmp", DEFAULT_PERMISSIONS)
        : Files.createTempFile(parent, "." + abs.getFileName() + ".", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
          LinkOption.NOFOLLOW_LINKS)) {
        body.writeTo(out);
      }
      // POSIX rename replaces a link or file at the target, never writes through it; re-checked
      // right before, so only a race with another writer can swap the target in between.
      problem = problem(abs, mode);
      if (problem != null) {
        throw new IOException(problem);
      }
      if (mode == IfExists.FAIL) {
        // link(2) fails when the target exists: no window in which an existing file is replaced
        try {
          Files.createLink(abs, tmp);
          return;
        } catch (UnsupportedOperationException | IOException noHardLinks) {
          if (noHardLinks instanceof FileAlreadyExistsException e) {
            throw e;
          }
          // file systems without hard links: the re-check above is the guard
        }
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
