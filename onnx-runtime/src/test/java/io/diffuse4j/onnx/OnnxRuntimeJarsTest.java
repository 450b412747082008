package io.diffuse4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.DiffusionException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxRuntimeJarsTest {

  private static URL jarWithOrtClasses(Path dir, String name) throws Exception {
    Path jar = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
      j.putNextEntry(new JarEntry(OnnxRuntimeJars.MARKER));
      j.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
      j.closeEntry();
    }
    return jar.toUri().toURL();
  }

  @Test
  void theTestClassPathHasExactlyOneOnnxRuntime() {
    assertThat(OnnxRuntimeJars.check(getClass().getClassLoader())).hasSize(1);
  }

  @Test
  void bothFlavoursAreRefusedNamingTheJars(@TempDir Path dir) throws Exception {
    URL cpu = jarWithOrtClasses(dir, "onnxruntime-1.23.2.jar");
    URL gpu = jarWithOrtClasses(dir, "onnxruntime_gpu-1.23.2.jar");
    try (URLClassLoader both = new URLClassLoader(new URL[] {cpu, gpu}, null)) {
      assertThatThrownBy(() -> OnnxRuntimeJars.check(both)).isInstanceOf(DiffusionException.class)
          .hasMessageContaining("onnxruntime-1.23.2.jar").hasMessageContaining("onnxruntime_gpu-1.23.2.jar")
          .hasMessageContaining("diffuse4j-cpu").hasMessageContaining("diffuse4j-cuda");
    }
  }

  @Test
  void noneNamesTheStarterToAdd() throws Exception {
    try (URLClassLoader none = new URLClassLoader(new URL[0], null)) {
      assertThatThrownBy(() -> OnnxRuntimeJars.check(none)).hasMessageContaining("io.github.diffuse4j:diffuse4j-cpu");
    }
  }
}
