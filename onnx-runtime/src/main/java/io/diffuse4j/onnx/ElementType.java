package io.diffuse4j.onnx;

/** The tensor element types diffusion exports use. */
public enum ElementType {
  /** float32. */
  FLOAT,
  /** IEEE half precision. */
  FLOAT16,
  /** float64. */
  DOUBLE,
  /** int32. */
  INT32,
  /** int64. */
  INT64,
  /** Anything else (named in error messages). */
  OTHER;

  /** Whether this is a floating-point type. */
  public boolean isFloating() {
    return this == FLOAT || this == FLOAT16 || this == DOUBLE;
  }
}
