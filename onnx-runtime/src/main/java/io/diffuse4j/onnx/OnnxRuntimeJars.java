package io.diffuse4j.onnx;

import io.diffuse4j.api.pipeline.DiffusionException;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Checks that exactly one ONNX Runtime jar is on the class path before any ONNX Runtime class is
 * touched. {@code com.microsoft.onnxruntime:onnxruntime} (from {@code diffuse4j-cpu}) and
 * {@code onnxruntime_gpu} (from {@code diffuse4j-cuda}) hold the same classes and native library
 * names: with both, which one loads is an accident of class path order, and native loading may
 * crash. This refuses that with the two jars named; it names the starter to add when there is none.
 *
 * <pre>{@code
 * OnnxRuntimeJars.check(OnnxRuntimeJars.class.getClassLoader());
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class OnnxRuntimeJars {

  /** A class every ONNX Runtime jar holds. */
  static final String MARKER = "ai/onnxruntime/OrtEnvironment.class";

  private OnnxRuntimeJars() {}

  /**
   * The places {@code loader} finds ONNX Runtime in (one per jar).
   *
   * @throws DiffusionException when there is none or more than one
   */
  public static List<URL> check(ClassLoader loader) {
    List<URL> found;
    try {
      found = new ArrayList<>(Collections.list(loader.getResources(MARKER)));
    } catch (IOException e) {
      throw new DiffusionException("Could not look for ONNX Runtime on the class path: " + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      throw new DiffusionException("ONNX Runtime is not on the class path. Add one runtime starter:"
          + " io.github.diffuse4j:diffuse4j-cpu (CPU, every platform) or io.github.diffuse4j:diffuse4j-cuda"
          + " (NVIDIA GPUs, linux x64 and windows x64).");
    }
    if (found.size() > 1) {
      List<String> jars = found.stream().map(OnnxRuntimeJars::jarOf).toList();
      throw new DiffusionException("Two ONNX Runtime jars are on the class path: " + String.join(" and ", jars)
          + ". com.microsoft.onnxruntime:onnxruntime and onnxruntime_gpu hold the same classes and must not be"
          + " used together: depend on exactly one of io.github.diffuse4j:diffuse4j-cpu or diffuse4j-cuda"
          + " (and exclude the other ONNX Runtime artifact where another dependency brings it).");
    }
    return found;
  }

  private static String jarOf(URL url) {
    String s = url.toString();
    int bang = s.indexOf("!/");
    return bang > 0 ? s.substring(0, bang).replaceFirst("^jar:", "") : s;
  }
}
