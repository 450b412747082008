package io.diffuse4j.api.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major (C) order: the currency between the pipeline, the
 * models and the schedulers (latents are {@code [batch, channels, height, width]}).
 *
 * <p>The record does not copy its arrays: treat a tensor you did not create as read-only and
 * use {@link #copy()} before changing it. Equality is by value.
 *
 * <pre>{@code
 * FloatTensor latents = FloatTensor.zeros(1, 4, 64, 64);
 * float v = latents.data()[latents.index(0, 3, 10, 10)];
 * }</pre>
 *
 * <p>Not thread-safe when written to; safe to share once no one writes.
 *
 * @param shape the dimensions, each &gt;= 0
 * @param data the values, {@code data.length == product(shape)}
 */
public record FloatTensor(int[] shape, float[] data) {

  /** Checks that the data length matches the shape. */
  public FloatTensor {
    if (shape == null || data == null) {
      throw new IllegalArgumentException("shape and data must not be null");
    }
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + n + " values but data has " + data.length);
    }
  }

  /** A tensor of zeros. */
  public static FloatTensor zeros(int... shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return new FloatTensor(shape.clone(), new float[Math.toIntExact(n)]);
  }

  /** Wraps {@code data} (not copied) with the given shape. */
  public static FloatTensor of(float[] data, int... shape) {
    return new FloatTensor(shape.clone(), data);
  }

  /** The number of values. */
  public int size() {
    return data.length;
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Dimension {@code i}; negative {@code i} counts from the end. */
  public int dim(int i) {
    return shape[i < 0 ? shape.length + i : i];
  }

  /** A deep copy. */
  public FloatTensor copy() {
    return new FloatTensor(shape.clone(), data.clone());
  }

  /** The same values with another shape of the same size (data shared). */
  public FloatTensor reshape(int... newShape) {
    return new FloatTensor(newShape.clone(), data);
  }

  /** A tensor of this shape with the given data. */
  public FloatTensor withData(float[] newData) {
    return new FloatTensor(shape.clone(), newData);
  }

  /** The flat row-major index of a position. */
  public int index(int... pos) {
    if (pos.length != shape.length) {
      throw new IllegalArgumentException("index rank " + pos.length + " != tensor rank " + shape.length);
    }
    int idx = 0;
    for (int i = 0; i < pos.length; i++) {
      idx = idx * shape[i] + pos[i];
    }
    return idx;
  }

  /** Item {@code i} along the first dimension, as a tensor with leading dimension 1 (copied). */
  public FloatTensor slice(int i) {
    return sliceRange(i, i + 1);
  }

  /** Items {@code [from, to)} along the first dimension (copied). */
  public FloatTensor sliceRange(int from, int to) {
    int per = shape[0] == 0 ? 0 : data.length / shape[0];
    int[] s = shape.clone();
    s[0] = to - from;
    return new FloatTensor(s, Arrays.copyOfRange(data, from * per, to * per));
  }

  /** Concatenates tensors along the first dimension. */
  public static FloatTensor concat(FloatTensor... parts) {
    int total = 0;
    int n = 0;
    for (FloatTensor p : parts) {
      total += p.shape[0];
      n += p.data.length;
    }
    int[] s = parts[0].shape.clone();
    s[0] = total;
    float[] out = new float[n];
    int off = 0;
    for (FloatTensor p : parts) {
      System.arraycopy(p.data, 0, out, off, p.data.length);
      off += p.data.length;
    }
    return new FloatTensor(s, out);
  }

  /** The index of the first NaN or infinite value, or -1 when all are finite. */
  public int firstNonFinite() {
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
