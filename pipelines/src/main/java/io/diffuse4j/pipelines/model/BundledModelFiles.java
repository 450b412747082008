package io.diffuse4j.pipelines.model;

import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.models.BundledModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Makes the bundled model (classpath resources of the {@code diffuse4j-bundled-model} jar) available
 * as a folder: copied once into {@code <java.io.tmpdir>/diffuse4j-bundled-<hash>/} (the hash of its
 * contents, so a new model version never reuses an old copy), through a temporary folder and an
 * atomic rename so concurrent JVMs never see half a copy. Thread-safe.
 */
public final class BundledModelFiles {

  private BundledModelFiles() {}

  /** The folder holding the bundled model, copying it out of the jar when needed. */
  public static Path folder() {
    ClassLoader cl = BundledModel.class.getClassLoader();
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String f : BundledModel.FILES) {
        md.update(f.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update(read(cl, f));
      }
      String hash = HexFormat.of().formatHex(md.digest()).substring(0, 16);
      Path target = Path.of(System.getProperty("java.io.tmpdir"), "diffuse4j-bundled-" + hash);
      if (Files.isRegularFile(target.resolve(".complete"))) {
        return target;
      }
      Path tmp = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "diffuse4j-bundled-tmp");
      for (String f : BundledModel.FILES) {
        Path out = tmp.resolve(f);
        Files.createDirectories(out.getParent());
        Files.write(out, read(cl, f));
      }
      Files.writeString(tmp.resolve(".complete"), hash);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException
          | java.nio.file.DirectoryNotEmptyException e) {
        deleteTree(tmp);
      }
      return target;
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new DiffusionException("Could not unpack the bundled model into " + System.getProperty("java.io.tmpdir")
          + ": " + e.getMessage() + ". Check that the temporary folder is writable (or set -Djava.io.tmpdir).", e);
    }
  }

  private static byte[] read(ClassLoader cl, String file) throws IOException {
    try (InputStream in = cl.getResourceAsStream(BundledModel.RESOURCE_ROOT + file)) {
      if (in == null) {
        throw new DiffusionException("The bundled model file " + BundledModel.RESOURCE_ROOT + file
            + " is not on the classpath: add the io.github.diffuse4j:diffuse4j-bundled-model jar.");
      }
      return in.readAllBytes();
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (var s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
