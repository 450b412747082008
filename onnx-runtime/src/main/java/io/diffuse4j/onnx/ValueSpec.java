package io.diffuse4j.onnx;

import java.util.Arrays;

/**
 * One input or output of an ONNX model as its metadata declares it.
 *
 * @param name the value's name, e.g. {@code sample}
 * @param type the element type
 * @param shape the dimensions; -1 for a dynamic (symbolic) dimension
 */
public record ValueSpec(String name, ElementType type, long[] shape) {

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Dimension {@code i} (negative counts from the end), -1 when dynamic. */
  public long dim(int i) {
    return shape[i < 0 ? shape.length + i : i];
  }

  /** Whether dimension {@code i} is dynamic. */
  public boolean isDynamic(int i) {
    return dim(i) < 0;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(name).append(' ').append(type.name().toLowerCase()).append('[');
    for (int i = 0; i < shape.length; i++) {
      b.append(i > 0 ? "," : "").append(shape[i] < 0 ? "?" : Long.toString(shape[i]));
    }
    return b.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ValueSpec v && v.name.equals(name) && v.type == type && Arrays.equals(v.shape, shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }
}
