package io.diffuse4j.schedulers;

import io.diffuse4j.api.tensor.FloatTensor;

/** Small elementwise helpers for scheduler math. Stateless and thread-safe. */
final class Tensors {

  private Tensors() {}

  /** {@code a * x + b * y}, elementwise, in float as torch does. */
  static FloatTensor axpby(double a, FloatTensor x, double b, FloatTensor y) {
    float[] xd = x.data();
    float[] yd = y.data();
    float[] out = new float[xd.length];
    float fa = (float) a;
    float fb = (float) b;
    for (int i = 0; i < out.length; i++) {
      out[i] = fa * xd[i] + fb * yd[i];
    }
    return x.withData(out);
  }

  /** {@code a * x}. */
  static FloatTensor scale(double a, FloatTensor x) {
    float[] xd = x.data();
    float[] out = new float[xd.length];
    float fa = (float) a;
    for (int i = 0; i < out.length; i++) {
      out[i] = fa * xd[i];
    }
    return x.withData(out);
  }

  /** Checks that a model output matches the sample's shape. */
  static void checkSameShape(FloatTensor modelOutput, FloatTensor sample, String cls) {
    if (!java.util.Arrays.equals(modelOutput.shape(), sample.shape())) {
      throw new IllegalArgumentException(cls + ".step: model output shape " + java.util.Arrays.toString(
          modelOutput.shape()) + " differs from the sample's " + java.util.Arrays.toString(sample.shape()));
    }
  }
}
