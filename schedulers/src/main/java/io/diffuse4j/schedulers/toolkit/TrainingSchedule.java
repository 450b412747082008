package io.diffuse4j.schedulers.toolkit;

import io.diffuse4j.schedulers.SchedulerMath;

/**
 * The noise schedule a model was trained with: {@code betas} and {@code alphas_cumprod} in
 * float32 (as torch computes them in diffusers' {@code __init__}), optionally rescaled to zero
 * terminal SNR (Lin et al. 2023, <a href="https://arxiv.org/abs/2305.08891">arXiv:2305.08891</a>,
 * Algorithm 1), and the training sigmas {@code sqrt((1 - ᾱ) / ᾱ)} derived from them.
 *
 * <pre>{@code
 * TrainingSchedule ts = TrainingSchedule.of("scaled_linear", 1000, 0.00085, 0.012, null, false);
 * float[] sigmas = ts.sigmasFloat32();
 * }</pre>
 *
 * <p>Immutable (accessors return copies) and thread-safe.
 */
public final class TrainingSchedule {

  private final float[] betas;
  private final float[] alphasCumprod;

  private TrainingSchedule(float[] betas) {
    this.betas = betas;
    this.alphasCumprod = SchedulerMath.cumprod(betas);
  }

  /**
   * The schedule of diffusers' beta keys.
   *
   * @param betaSchedule {@code linear}, {@code scaled_linear}, {@code squaredcos_cap_v2},
   *     {@code sigmoid} or {@code laplace} (ignored when {@code trainedBetas} is given)
   * @param trainedBetas {@code trained_betas}, or null
   * @param rescaleZeroTerminalSnr {@code rescale_betas_zero_snr}
   * @throws IllegalArgumentException for an unknown schedule
   */
  public static TrainingSchedule of(String betaSchedule, int numTrainTimesteps, double betaStart, double betaEnd,
      double[] trainedBetas, boolean rescaleZeroTerminalSnr) {
    float[] b = SchedulerMath.betas(betaSchedule, numTrainTimesteps, betaStart, betaEnd, trainedBetas);
    return new TrainingSchedule(rescaleZeroTerminalSnr ? SchedulerMath.rescaleZeroTerminalSnr(b) : b);
  }

  /** {@code betas} (float32). */
  public float[] betas() {
    return betas.clone();
  }

  /** {@code alphas_cumprod} (float32 cumulative product). */
  public float[] alphasCumprod() {
    return alphasCumprod.clone();
  }

  /** The number of training timesteps. */
  public int size() {
    return betas.length;
  }

  /** Training sigmas {@code ((1 - ᾱ) / ᾱ) ** 0.5} as a float32 torch expression (the sigma-space classes). */
  public float[] sigmasFloat32() {
    return SigmaSchedules.trainingSigmasFloat32(alphasCumprod);
  }

  /** Training sigmas in float64 (NumPy), for the classes that compute them there. */
  public double[] sigmasFloat64() {
    return SchedulerMath.sigmas(alphasCumprod);
  }
}
