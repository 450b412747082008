package io.diffuse4j.pipelines.model;

import io.diffuse4j.api.pipeline.InvalidModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The SHA-256 manifest of a model folder: a file {@value #FILE} at the folder's top, one
 * {@code <64 hex digits>  <path relative to the folder>} line per file, exactly the format GNU
 * {@code sha256sum} writes and checks, so a manifest can be made and checked without diffuse4j:
 *
 * <pre>
 * cd MODEL_DIR &amp;&amp; find . -type f ! -name SHA256SUMS -printf '%P\0' | sort -z | xargs -0 sha256sum &gt; SHA256SUMS
 * cd MODEL_DIR &amp;&amp; sha256sum --check --quiet SHA256SUMS
 * </pre>
 *
 * <p>{@link #verify} checks that every listed file is a regular file (no links) with its hash, and
 * that no file outside the manifest sits in the folder (an unlisted file is not covered, so it is
 * refused rather than trusted); the first difference is an {@link InvalidModelException} naming the
 * file. A verified folder can still be changed after the check: verification protects against
 * damaged or substituted copies, not against a process that writes the folder while it loads.
 *
 * <pre>{@code
 * ModelManifest.write(Path.of("sd15-onnx"));                  // once, on a copy you trust
 * ModelManifest.read(Path.of("sd15-onnx")).verify(Path.of("sd15-onnx"));
 * // or while loading: Diffusion.builder().model(dir).verifyModel(true).load()
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ModelManifest {

  /** The manifest's file name inside the model folder. */
  public static final String FILE = "SHA256SUMS";
  private static final int MAX_MANIFEST_BYTES = 4 << 20;
  private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]{64}) [ *](.+)");

  private final Path manifestFile;
  private final Map<String, String> sha256ByFile;

  private ModelManifest(Path manifestFile, Map<String, String> sha256ByFile) {
    this.manifestFile = manifestFile;
    this.sha256ByFile = sha256ByFile;
  }

  /** The listed files (relative, {@code /}-separated) and their lower-case hex SHA-256. */
  public Map<String, String> files() {
    return sha256ByFile;
  }

  /**
   * Reads {@code dir/}{@value #FILE}.
   *
   * @throws InvalidModelException when it is missing (the message says how to make one) or malformed
   *     (the line is named)
   */
  public static ModelManifest read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidModelException(file, "The model folder " + dir + " has no " + FILE + " manifest to verify it"
          + " against. Make one on a copy you trust with ModelManifest.write(dir), or with GNU coreutils: cd " + dir
          + " && find . -type f ! -name " + FILE + " -printf '%P\\0' | sort -z | xargs -0 sha256sum > " + FILE);
    }
    String text;
    try {
      if (Files.size(file) > MAX_MANIFEST_BYTES) {
        throw new InvalidModelException(file, file + " is larger than " + MAX_MANIFEST_BYTES + " bytes: not a manifest");
      }
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidModelException(file, file + " is not UTF-8 text: not a sha256sum manifest", e);
    } catch (IOException e) {
      throw new InvalidModelException(file, "Could not read " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> entries = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      var m = LINE.matcher(line);
      String name = m.matches() ? m.group(2).replace('\\', '/') : null;
      if (name == null || name.startsWith("/") || List.of(name.split("/")).contains("..")) {
        throw new InvalidModelException(file, file + " line " + (i + 1) + " is not '<64 hex digits>  <relative path"
            + " inside the folder>' (the format sha256sum writes): " + shown(line));
      }
      name = name.startsWith("./") ? name.substring(2) : name;
      if (entries.put(name, m.group(1).toLowerCase(Locale.ROOT)) != null) {
        throw new InvalidModelException(file, file + " lists " + name + " twice (line " + (i + 1) + ")");
      }
    }
    if (entries.isEmpty()) {
      throw new InvalidModelException(file, file + " lists no files");
    }
    return new ModelManifest(file, Map.copyOf(entries));
  }

  /**
   * Checks {@code dir} against this manifest: every listed file present, a regular file (not a link)
   * with the listed SHA-256, and no other file in the folder.
   *
   * @throws InvalidModelException naming the first file that is missing, a link, unlisted, or whose
   *     hash differs (with both hashes)
   */
  public void verify(Path dir) {
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(sha256ByFile).entrySet()) {
      Path f = dir.resolve(e.getKey());
      for (Path p = f; p != null && !p.equals(dir); p = p.getParent()) {
        if (Files.isSymbolicLink(p)) {
          throw new InvalidModelException(f, f + " is a symbolic link; a verified model folder holds only regular"
              + " files (copy the file in place of the link and make the manifest again)");
        }
      }
      if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidModelException(f, f + " is listed in " + manifestFile + " but missing: the model folder is"
            + " incomplete (copy it again)");
      }
      String actual = sha256(f);
      if (!actual.equals(e.getValue())) {
        throw new InvalidModelException(f, f + " does not match " + manifestFile + ": its SHA-256 is " + actual
            + ", the manifest says " + e.getValue() + ". The file was changed or damaged; copy the model again"
            + " from a source you trust.");
      }
    }
    for (String extra : listFiles(dir)) {
      if (!sha256ByFile.containsKey(extra)) {
        Path f = dir.resolve(extra);
        throw new InvalidModelException(f, f + " is not listed in " + manifestFile + ": a verified model folder"
            + " holds only the files its manifest covers (remove the file, or make the manifest again)");
      }
    }
  }

  /**
   * Writes {@code dir/}{@value #FILE} listing every regular file below {@code dir} (sorted, in
   * {@code sha256sum}'s format), replacing an existing manifest.
   *
   * @return the manifest file
   * @throws InvalidModelException when the folder holds a symbolic link or cannot be read
   */
  public static Path write(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidModelException(dir, dir + " is not a folder: pass the model folder");
    }
    StringBuilder sb = new StringBuilder();
    for (String f : listFiles(dir)) {
      sb.append(sha256(dir.resolve(f))).append("  ").append(f).append('\n');
    }
    Path out = dir.resolve(FILE);
    try {
      Path tmp = Files.createTempFile(dir, ".SHA256SUMS-", ".tmp");
      try {
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new InvalidModelException(out, "Could not write " + out + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Every file below {@code dir} but the manifest, relative and {@code /}-separated, sorted; links refused. */
  private static List<String> listFiles(Path dir) {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted().toList()) {
        if (Files.isSymbolicLink(p)) {
          throw new InvalidModelException(p, p + " is a symbolic link; a verified model folder holds only regular"
              + " files and folders");
        }
        String rel = dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !rel.equals(FILE)) {
          out.add(rel);
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new InvalidModelException(dir, "Could not list the model folder " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static String sha256(Path f) {
    try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new InvalidModelException(f, "Could not read " + f + " to verify it: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java 17 runtime", e);
    }
  }

  /** A manifest line for messages: quoted, cut to 200 characters, control characters as '?'. */
  private static String shown(String s) {
    String cut = s.length() > 200 ? s.substring(0, 200) + "... (" + s.length() + " characters)" : s;
    return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
