package io.diffuse4j.pipelines.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.models.BundledModel;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled model's unpacked copy is private and verified; a planted or damaged copy is never loaded. */
class BundledModelFilesTest {

  static List<BundledModelFiles.Entry> manifest() throws Exception {
    try (InputStream in = BundledModel.class.getClassLoader()
        .getResourceAsStream(BundledModel.RESOURCE_ROOT + BundledModelFiles.MANIFEST)) {
      return BundledModelFiles.parse(in.readAllBytes());
    }
  }

  @Test
  void manifestListsEveryFileWithItsHash() throws Exception {
    List<BundledModelFiles.Entry> m = manifest();
    assertThat(m).extracting(BundledModelFiles.Entry::file)
        .as("models/bundled-tiny/SHA256SUMS is stale: regenerate it with `cd models/bundled-tiny && find . -type f"
            + " ! -name SHA256SUMS | sed 's|^./||' | sort | xargs sha256sum > SHA256SUMS`")
        .containsExactlyInAnyOrderElementsOf(BundledModel.FILES);
    for (BundledModelFiles.Entry e : m) {
      try (InputStream in = BundledModel.class.getClassLoader().getResourceAsStream(BundledModel.RESOURCE_ROOT
          + e.file())) {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        assertThat(sha).as(e.file() + " (regenerate SHA256SUMS, see above)").isEqualTo(e.sha256());
      }
    }
  }

  @Test
  void plantedOrDamagedCopiesAreReplacedNotLoaded(@TempDir Path root) throws Exception {
    Path first = BundledModelFiles.folderIn(root);
    assertThat(BundledModelFiles.verify(first, manifest())).isNull();
    byte[] unet = Files.readAllBytes(first.resolve("unet/model.onnx"));
    // damaged: one byte changed
    byte[] bad = unet.clone();
    bad[bad.length / 2] ^= 1;
    Files.write(first.resolve("unet/model.onnx"), bad);
    Path again = BundledModelFiles.folderIn(root);
    assertThat(Files.readAllBytes(again.resolve("unet/model.onnx"))).isEqualTo(unet);
    // planted: the expected name holding a link to another model
    Path other = Files.createDirectories(root.resolve("attacker"));
    Files.write(other.resolve("model.onnx"), bad);
    Files.delete(again.resolve("unet/model.onnx"));
    Files.createSymbolicLink(again.resolve("unet/model.onnx"), other.resolve("model.onnx"));
    Path third = BundledModelFiles.folderIn(root);
    assertThat(Files.isSymbolicLink(third.resolve("unet/model.onnx"))).isFalse();
    assertThat(Files.readAllBytes(third.resolve("unet/model.onnx"))).isEqualTo(unet);
  }

  @Test
  void cacheFolderMustBePrivate(@TempDir Path dir) throws Exception {
    Path made = dir.resolve("new/diffuse4j");
    assertThat(BundledModelFiles.privateFolder(made)).isNull();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made))).isEqualTo("rwx------");
    Path open = Files.createDirectories(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(BundledModelFiles.privateFolder(open)).contains("writable by other users");
    Path link = Files.createSymbolicLink(dir.resolve("link"), made);
    assertThat(BundledModelFiles.privateFolder(link)).contains("symbolic link");
  }
}
