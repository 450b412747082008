package io.diffuse4j.onnx;

import io.diffuse4j.api.tensor.FloatTensor;

/**
 * A value to feed a model: floats or integers with a shape. It is converted at the boundary to
 * whatever element type the model declares for that input (float32, float16, float64, int32,
 * int64), so callers need not know the export's precision.
 *
 * @param shape the dimensions (empty for a scalar)
 * @param floats the values when floating, else null
 * @param longs the values when integral, else null
 */
public record TensorValue(long[] shape, float[] floats, long[] longs) {

  /** A float tensor. */
  public static TensorValue of(FloatTensor t) {
    long[] s = new long[t.rank()];
    for (int i = 0; i < s.length; i++) {
      s[i] = t.shape()[i];
    }
    return new TensorValue(s, t.data(), null);
  }

  /** Floats with a shape. */
  public static TensorValue ofFloats(float[] data, long... shape) {
    return new TensorValue(shape, data, null);
  }

  /** Integers with a shape. */
  public static TensorValue ofLongs(long[] data, long... shape) {
    return new TensorValue(shape, null, data);
  }

  /** The number of values. */
  public int size() {
    return floats != null ? floats.length : longs.length;
  }

  /** Value {@code i} as a double. */
  public double get(int i) {
    return floats != null ? floats[i] : longs[i];
  }

  /** A readable description. */
  public String describe() {
    return (floats != null ? "float" : "int") + java.util.Arrays.toString(shape);
  }
}
