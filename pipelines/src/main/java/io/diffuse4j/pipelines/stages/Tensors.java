package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.tensor.FloatTensor;
import java.util.Arrays;

/**
 * The few tensor operations the pipeline stages need, written once: scaling, batch repetition
 * and concatenation along the last and the channel axis. Each returns a new tensor and leaves
 * its inputs unchanged.
 *
 * <p>Stateless and thread-safe.
 */
public final class Tensors {

  private Tensors() {}

  /** {@code t * f}, element-wise in float32 (as torch multiplies a float tensor by a Python float). */
  public static FloatTensor scale(FloatTensor t, double f) {
    float[] d = new float[t.size()];
    float[] src = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) (src[i] * f);
    }
    return t.withData(d);
  }

  /** {@code t} repeated {@code n} times along the batch axis ({@code t} itself when {@code n == 1}). */
  public static FloatTensor repeat(FloatTensor t, int n) {
    if (n == 1) {
      return t;
    }
    FloatTensor[] parts = new FloatTensor[n];
    Arrays.fill(parts, t);
    return FloatTensor.concat(parts);
  }

  /** {@code torch.cat([a, b], dim=-1)}: shapes must agree except in the last axis. */
  public static FloatTensor concatLastDim(FloatTensor a, FloatTensor b) {
    int da = a.dim(-1);
    int db = b.dim(-1);
    int rows = a.size() / da;
    float[] out = new float[rows * (da + db)];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(a.data(), r * da, out, r * (da + db), da);
      System.arraycopy(b.data(), r * db, out, r * (da + db) + da, db);
    }
    int[] shape = a.shape().clone();
    shape[shape.length - 1] = da + db;
    return new FloatTensor(shape, out);
  }

  /** {@code torch.cat(parts, dim=1)} for {@code [batch, channels, height, width]} tensors. */
  public static FloatTensor concatChannels(FloatTensor... parts) {
    int b = parts[0].dim(0);
    int plane = parts[0].dim(2) * parts[0].dim(3);
    int total = 0;
    for (FloatTensor p : parts) {
      total += p.dim(1);
    }
    float[] out = new float[b * total * plane];
    for (int i = 0; i < b; i++) {
      int off = i * total * plane;
      for (FloatTensor p : parts) {
        int len = p.dim(1) * plane;
        System.arraycopy(p.data(), i * len, out, off, len);
        off += len;
      }
    }
    return FloatTensor.of(out, b, total, parts[0].dim(2), parts[0].dim(3));
  }
}
