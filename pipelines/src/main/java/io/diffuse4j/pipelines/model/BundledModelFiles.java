package io.diffuse4j.pipelines.model;

import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.models.BundledModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes the bundled model (classpath resources of the {@code diffuse4j-bundled-model} jar) available
 * as a folder, in a <em>private per-user cache</em>: {@code $XDG_CACHE_HOME/diffuse4j/} (else
 * {@code ~/.cache/diffuse4j/}, else {@code <java.io.tmpdir>/diffuse4j-<user>/}), a folder that must
 * be owned by the current user and writable by nobody else (created {@code rwx------}). Inside,
 * {@code bundled-<hash>/} (the hash of the model's {@code SHA256SUMS} manifest, so a new model
 * version never reuses an old copy) is <em>verified against the manifest</em> (size and SHA-256 of
 * every file, no links) each time it is used; a folder that fails is replaced, never loaded. Copies
 * go through a temporary folder and an atomic rename, so concurrent JVMs never see half a copy.
 * Thread-safe.
 */
public final class BundledModelFiles {

  /** The manifest resource: {@code <sha256>  <file>} per line, as {@code sha256sum} writes it. */
  public static final String MANIFEST = "SHA256SUMS";

  /** Where the bundled model jar keeps its index (looked up before touching its class, which may be absent). */
  static final String INDEX = "io/diffuse4j/models/bundled/model_index.json";

  /** What to add when the bundled model is missing. */
  static final String MISSING = "The bundled model is not on the class path: add the dependency"
      + " io.github.diffuse4j:diffuse4j-bundled-model, or load a model folder with Diffusion.load(Path).";

  private BundledModelFiles() {}

  /** Whether the bundled model jar is on the class path. */
  public static boolean present() {
    ClassLoader cl = BundledModelFiles.class.getClassLoader();
    return cl != null && cl.getResource(INDEX) != null;
  }

  /** One manifest line. */
  record Entry(String file, String sha256) {}

  /** The folder holding the bundled model, copying it out of the jar when needed. */
  public static Path folder() {
    if (!present()) {
      throw new DiffusionException(MISSING);
    }
    Path root;
    try {
      root = cacheRoot();
    } catch (IOException e) {
      throw new DiffusionException("Could not unpack the bundled model: " + e.getMessage() + ". Make the user's cache"
          + " folder (~/.cache, or XDG_CACHE_HOME) a folder of this user that others cannot write.", e);
    }
    return folderIn(root);
  }

  /** {@link #folder()} with the cache in {@code root} (a private folder). */
  static Path folderIn(Path root) {
    ClassLoader cl = BundledModel.class.getClassLoader();
    try {
      byte[] manifestBytes = read(cl, MANIFEST);
      List<Entry> manifest = parse(manifestBytes);
      String key = hex(sha256(manifestBytes)).substring(0, 16);
      Path target = root.resolve("bundled-" + key);
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        if (verify(target, manifest) == null) {
          return target;
        }
        // a planted or damaged copy: moved aside and removed, never loaded
        Path bad = Files.createTempDirectory(root, "bad-");
        Files.move(target, bad.resolve("old"), StandardCopyOption.ATOMIC_MOVE);
        deleteTree(bad);
      }
      Path tmp = Files.createTempDirectory(root, "bundled-tmp-");
      for (Entry e : manifest) {
        Path out = tmp.resolve(e.file());
        Files.createDirectories(out.getParent());
        Files.write(out, read(cl, e.file()));
      }
      String problem = verify(tmp, manifest);
      if (problem != null) {
        deleteTree(tmp);
        throw new DiffusionException("The bundled model's resources do not match its " + MANIFEST + ": " + problem
            + ". The diffuse4j-bundled-model jar is damaged; rebuild or re-download it.");
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException | DirectoryNotEmptyException e) {
        deleteTree(tmp); // another JVM was first; its copy is verified next time
      }
      String check = verify(target, manifest);
      if (check != null) {
        throw new DiffusionException("The bundled model copy in " + target + " changed while it was being made ("
            + check + "); try again.");
      }
      return target;
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new DiffusionException("Could not unpack the bundled model into " + root + ": " + e.getMessage()
          + ". Check that the user's cache folder (~/.cache, or XDG_CACHE_HOME) is writable.", e);
    }
  }

  /** Null when every manifest file is in {@code dir}, a regular file with its hash; else what is wrong. */
  static String verify(Path dir, List<Entry> manifest) throws IOException, NoSuchAlgorithmException {
    for (Entry e : manifest) {
      Path f = dir.resolve(e.file());
      for (Path p = f; p != null && !p.equals(dir); p = p.getParent()) {
        if (Files.isSymbolicLink(p)) {
          return e.file() + " is a symbolic link";
        }
      }
      if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
        return e.file() + " is missing";
      }
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
        }
      }
      if (!hex(md.digest()).equals(e.sha256())) {
        return e.file() + " has another SHA-256 than the manifest's";
      }
    }
    return null;
  }

  static List<Entry> parse(byte[] manifest) {
    List<Entry> out = new ArrayList<>();
    for (String line : new String(manifest, StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.trim().split("\\s+\\*?", 2);
      if (parts.length != 2 || parts[0].length() != 64 || parts[1].contains("..") || parts[1].startsWith("/")) {
        throw new DiffusionException("The bundled model's " + MANIFEST + " has a malformed line: " + line);
      }
      out.add(new Entry(parts[1], parts[0].toLowerCase(java.util.Locale.ROOT)));
    }
    return out;
  }

  /**
   * The private cache folder: created {@code rwx------} when missing; refused when it is a link,
   * owned by another user, or writable by group or others.
   */
  static Path cacheRoot() throws IOException {
    String xdg = System.getenv("XDG_CACHE_HOME");
    String home = System.getProperty("user.home");
    List<Path> candidates = new ArrayList<>();
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      candidates.add(Path.of(xdg, "diffuse4j"));
    }
    if (home != null && !home.isBlank() && !"?".equals(home)) {
      candidates.add(Path.of(home, ".cache", "diffuse4j"));
    }
    candidates.add(Path.of(System.getProperty("java.io.tmpdir"),
        "diffuse4j-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_")));
    List<String> refused = new ArrayList<>();
    for (Path c : candidates) {
      String why = privateFolder(c);
      if (why == null) {
        return c;
      }
      refused.add(c + " (" + why + ")");
    }
    throw new IOException("no private cache folder could be used: " + String.join("; ", refused));
  }

  /** Null when {@code dir} is (or was made) a private folder of this user; else why not. */
  static String privateFolder(Path dir) {
    try {
      boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir.getParent());
        try {
          if (posix) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
          } else {
            Files.createDirectory(dir);
          }
        } catch (FileAlreadyExistsException raced) {
          // another JVM made it: checked below like any existing folder
        }
      }
      if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        return "not a folder, or a symbolic link";
      }
      if (posix) {
        Path probe = Files.createTempFile(dir, ".owner-", ".probe");
        UserPrincipal me;
        try {
          me = Files.getOwner(probe);
        } finally {
          Files.deleteIfExists(probe);
        }
        if (!me.equals(Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS))) {
          return "owned by " + Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName() + ", not by " + me.getName();
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
          return "writable by other users (" + PosixFilePermissions.toString(perms) + ")";
        }
      }
      return null;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return e.toString();
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

  private static byte[] sha256(byte[] b) throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
