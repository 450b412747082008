package io.diffuse4j.starter.cuda;

/**
 * Marks the {@code io.github.diffuse4j:diffuse4j-cuda} starter: a jar with no code of its own whose
 * dependencies are the diffuse4j pipelines and the ONNX Runtime jar {@code com.microsoft.onnxruntime:onnxruntime_gpu}.
 * Depend on it (and only one starter) to run diffuse4j:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>io.github.diffuse4j</groupId>
 *   <artifactId>diffuse4j-cuda</artifactId>
 * </dependency>
 * }</pre>
 *
 * <p>Constants only; thread-safe.
 */
public final class CudaStarter {

  /** The ONNX Runtime artifact this starter brings. */
  public static final String ONNX_RUNTIME = "com.microsoft.onnxruntime:onnxruntime_gpu";

  private CudaStarter() {}
}
