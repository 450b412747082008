package io.diffuse4j.pipelines.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.noise.NoiseKind;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationParameters;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PNG output never harms another file: links, devices, folders and existing files. */
class OutputFilesTest {

  static GeneratedImage image(String prompt, String negative) {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    return new GeneratedImage(img, new GenerationParameters(prompt, negative, 1, 2, 7.5, "ddim", "m", 4, 4,
        NoiseKind.TORCH, 0, Double.NaN));
  }

  @Test
  void plantedSymlinkAtAnyTempNameIsNeverFollowed(@TempDir Path dir) throws Exception {
    Path victim = dir.resolve("victim.txt");
    Files.writeString(victim, "precious");
    Path out = dir.resolve("out.png");
    // the names main used (.<name>.<pid>.<thread>.tmp) and a spread of others, all links to the victim
    Files.createSymbolicLink(dir.resolve(".out.png." + ProcessHandle.current().pid() + "."
        + Thread.currentThread().getId() + ".tmp"), victim);
    for (int i = 0; i < 20; i++) {
      Files.createSymbolicLink(dir.resolve(".out.png." + i + ".tmp"), victim);
    }
    PngWriter.write(image("x", ""), out);
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(PngWriter.readParameters(out).prompt()).isEqualTo("x");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.filter(p -> !Files.isSymbolicLink(p)).map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("victim.txt", "out.png");
    }
  }

  @Test
  void symlinkAtTheOutputIsRefused(@TempDir Path dir) throws Exception {
    Path victim = dir.resolve("victim.txt");
    Files.writeString(victim, "precious");
    Path out = dir.resolve("out.png");
    Files.createSymbolicLink(out, victim);
    assertThatThrownBy(() -> OutputFiles.check(out, OutputFiles.IfExists.REPLACE))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> PngWriter.write(image("x", ""), out, OutputFiles.IfExists.REPLACE))
        .isInstanceOf(IOException.class).hasMessageContaining("symbolic link");
    assertThat(Files.isSymbolicLink(out)).isTrue();
    assertThat(Files.readString(victim)).isEqualTo("precious");
  }

  @Test
  void devicesFifosAndFoldersAreRefused(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> OutputFiles.check(Path.of("/dev/null"), OutputFiles.IfExists.REPLACE))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("/dev/null").hasMessageContaining("device");
    assertThatThrownBy(() -> OutputFiles.check(dir, OutputFiles.IfExists.REPLACE))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("folder");
    Path fifo = dir.resolve("fifo.png");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(p.waitFor()).isZero();
    assertThatThrownBy(() -> PngWriter.write(image("x", ""), fifo, OutputFiles.IfExists.REPLACE))
        .isInstanceOf(IOException.class).hasMessageContaining("FIFO");
    assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void existingFileIsKeptUnlessReplacingIsAllowed(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out.png");
    Files.writeString(out, "old");
    assertThatThrownBy(() -> OutputFiles.check(out, OutputFiles.IfExists.FAIL))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("already exists");
    assertThatThrownBy(() -> PngWriter.write(image("x", ""), out)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(out)).isEqualTo("old");
    PngWriter.write(image("new", ""), out, OutputFiles.IfExists.REPLACE);
    assertThat(PngWriter.readParameters(out).prompt()).isEqualTo("new");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).hasSize(1); // no temporary file left
    }
  }

  @Test
  void newFilesGetTheDefaultPermissionsNotTempFileOnes(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out.png");
    PngWriter.write(image("x", ""), out);
    Path plain = Files.createFile(dir.resolve("plain"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
        .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)));
  }

  @Test
  void everyTextRoundTripsExactly(@TempDir Path dir) throws Exception {
    String[] texts = {"", "plain", "ünïcode café", "日本語の猫 🐱‍👤 emoji", "שלום עולם مرحبا", "lone \uD800 high",
        "lone \uDC00 low", "end \uD83D", "back\\slash \\u0041 kept", "ctrl \u0001\u001b[31m red\t\n", "nul \u0000 x",
        "a".repeat(20_000)};
    for (String t : texts) {
      Path out = dir.resolve(Integer.toHexString(t.hashCode()) + ".png");
      PngWriter.write(image(t, "neg " + t), out, OutputFiles.IfExists.REPLACE);
      GenerationParameters back = PngWriter.readParameters(out);
      assertThat(back.prompt()).as("prompt").isEqualTo(t);
      assertThat(back.negativePrompt()).as("negative prompt").isEqualTo("neg " + t);
      assertThat(PngWriter.readAllText(out).get("parameters")).startsWith(t.isEmpty() ? "" : t.substring(0, 1));
    }
    // one copy of the prompt per chunk kind: prompt and the A1111 "parameters" line, not three
    Path big = dir.resolve("big.png");
    PngWriter.write(image("b".repeat(300_000), ""), big);
    assertThat(Files.size(big)).isLessThan(700_000);
  }
}
