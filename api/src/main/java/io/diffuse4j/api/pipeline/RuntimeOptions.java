package io.diffuse4j.api.pipeline;

/**
 * How ONNX Runtime sessions are created.
 *
 * @param device where to run
 * @param intraOpThreads threads per operator, 0 = ONNX Runtime's default (all cores)
 */
public record RuntimeOptions(Device device, int intraOpThreads) {

  /** CPU, default threads. */
  public static RuntimeOptions defaults() {
    return new RuntimeOptions(Device.CPU, 0);
  }

  /** The same options on another device. */
  public RuntimeOptions withDevice(Device d) {
    return new RuntimeOptions(d, intraOpThreads);
  }
}
