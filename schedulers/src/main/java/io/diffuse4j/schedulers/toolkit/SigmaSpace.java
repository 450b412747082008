package io.diffuse4j.schedulers.toolkit;

import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.SchedulerMath;
import java.util.Arrays;

/**
 * What every sigma-space (k-diffusion style: Euler, Heun, LMS, KDPM2…) scheduler does around its
 * step, as diffusers: {@code scale_model_input} ({@code x / sqrt(σ² + 1)}), {@code add_noise}
 * ({@code x0 + noise · σ}), {@code index_for_timestep}, and the shape checks with messages that
 * name the class.
 *
 * <pre>{@code
 * FloatTensor in = SigmaSpace.scaleModelInput(sample, sigmas[stepIndex]);
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class SigmaSpace {

  private SigmaSpace() {}

  /** {@code sample / sqrt(sigma² + 1)} in float32. */
  public static FloatTensor scaleModelInput(FloatTensor sample, float sigma) {
    float scale = (float) Math.sqrt(sigma * sigma + 1f);
    float[] x = sample.data();
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] / scale;
    }
    return sample.withData(out);
  }

  /** {@code original + noise * sigma} in float32. */
  public static FloatTensor addNoise(FloatTensor original, FloatTensor noise, float sigma, String className) {
    requireSameShape(noise, original, "noise", className);
    float[] o = original.data();
    float[] z = noise.data();
    float[] out = new float[o.length];
    for (int i = 0; i < o.length; i++) {
      out[i] = o[i] + z[i] * sigma;
    }
    return original.withData(out);
  }

  /**
   * diffusers' {@code index_for_timestep}: the position of {@code t} in the run's timesteps, the
   * second when it repeats (a run started mid-way by image-to-image).
   *
   * @throws IllegalArgumentException naming the class when {@code t} is not a timestep of the run
   */
  public static int indexForTimestep(double[] timesteps, double t, String className) {
    int i = SchedulerMath.indexForTimestep(timesteps, t);
    if (i < 0) {
      throw new IllegalArgumentException(className + ": timestep " + t + " is not one of this run's timesteps "
          + Arrays.toString(timesteps) + "; call setTimesteps first");
    }
    return i;
  }

  /** The largest value of {@code sigmas} (for {@link TimestepSpacing#initNoiseSigma}). */
  public static float max(float[] sigmas) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : sigmas) {
      max = Math.max(max, v);
    }
    return max;
  }

  /**
   * Refuses a tensor whose shape differs from the sample's.
   *
   * @param what what {@code t} is, for the message ("model output", "noise")
   */
  public static void requireSameShape(FloatTensor t, FloatTensor sample, String what, String className) {
    if (!Arrays.equals(t.shape(), sample.shape())) {
      throw new IllegalArgumentException(className + ": " + what + " shape " + Arrays.toString(t.shape())
          + " differs from sample shape " + Arrays.toString(sample.shape()));
    }
  }
}
