package io.diffuse4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's ONNX Runtime natives (issue #13): {@code src/main/launcher/ort-native.sh}, which
 * {@code ./diffuse} runs, unpacks the libraries of the onnxruntime jar on this class path once into a
 * stable folder, and a JVM pointed there with {@code -Donnxruntime.native.path} leaves no
 * {@code onnxruntime-java*} folder in its temporary folder (one without the property does: the
 * hundreds after a day of CLI use the issue reported).
 */
class OrtNativeFolderTest {

  /** Child JVM: starts ONNX Runtime (which loads its native library) and exits. */
  public static void main(String[] args) throws Exception {
    System.out.println("ORT " + OrtEnvironment.getEnvironment().getVersion());
  }

  @Test
  void nativesUnpackedOnceAndNoTemporaryFolderPerJvm(@TempDir Path dir) throws Exception {
    Path cpFile = Files.writeString(dir.resolve("classpath.txt"), System.getProperty("java.class.path"));
    Path natives = dir.resolve("target").resolve("ort-native");
    assertThat(unpack(cpFile, natives)).isZero();
    assertThat(natives.resolve("libonnxruntime.so")).isRegularFile();
    assertThat(natives.resolve("libonnxruntime4j_jni.so")).isRegularFile();
    FileTime unpacked = Files.getLastModifiedTime(natives.resolve(".complete"));
    Thread.sleep(1100);
    assertThat(unpack(cpFile, natives)).isZero();
    assertThat(Files.getLastModifiedTime(natives.resolve(".complete"))).as("unpacked once, not per run")
        .isEqualTo(unpacked);

    Path withPath = Files.createDirectories(dir.resolve("tmp-with"));
    Path without = Files.createDirectories(dir.resolve("tmp-without"));
    for (int i = 0; i < 2; i++) {
      runOrt(withPath, "-Donnxruntime.native.path=" + natives);
      runOrt(without, null);
    }
    System.out.printf("ORT-NATIVE 2 JVMs: %d onnxruntime-java* folders with onnxruntime.native.path, %d without%n",
        ortFolders(withPath), ortFolders(without));
    assertThat(ortFolders(withPath)).isZero();
    assertThat(ortFolders(without)).as("the binding's own extraction, for contrast").isEqualTo(2);
  }

  private static int unpack(Path cpFile, Path natives) throws Exception {
    Path script = Path.of("src", "main", "launcher", "ort-native.sh").toAbsolutePath();
    Process p = new ProcessBuilder("bash", script.toString(), cpFile.toString(), natives.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    System.out.print(out);
    return p.exitValue();
  }

  private static void runOrt(Path tmp, String nativeOption) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmp));
    if (nativeOption != null) {
      cmd.add(nativeOption);
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), OrtNativeFolderTest.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("ORT ");
  }

  private static long ortFolders(Path tmp) throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("onnxruntime-java")).count();
    }
  }
}
