package io.diffuse4j.api.scheduler;

import io.diffuse4j.api.tensor.FloatTensor;

/**
 * A diffusion sampler with the step contract of Hugging Face diffusers' schedulers, so the
 * same config, seed and step count give the same numbers as in Python.
 *
 * <p>The loop every pipeline runs:
 * <pre>{@code
 * scheduler.setTimesteps(steps);
 * FloatTensor x = noise.randn(shape) * scheduler.initNoiseSigma();
 * for (double t : scheduler.timesteps()) {
 *   FloatTensor in = scheduler.scaleModelInput(x, t);
 *   FloatTensor eps = model(in, t);
 *   x = scheduler.step(eps, t, x, ctx);
 * }
 * }</pre>
 * Schedulers that evaluate the model twice per step (Heun) list the repeated timesteps in
 * {@link #timesteps()}; multistep schedulers keep their history inside. A scheduler instance
 * therefore holds the state of one run: create one per generation. Not thread-safe.
 */
public interface Scheduler {

  /** The config this scheduler was built from (round-trips to {@code scheduler_config.json}). */
  SchedulerConfig config();

  /** The {@code num_train_timesteps} of the config. */
  int numTrainTimesteps();

  /**
   * Prepares a run of {@code numInferenceSteps} steps and resets all state.
   *
   * @throws IllegalArgumentException when the count is out of range for this config
   */
  void setTimesteps(int numInferenceSteps);

  /**
   * Prepares an image-to-image run of {@code numInferenceSteps} steps at {@code strength} (diffusers'
   * {@code set_timesteps(n, strength=strength)}). Most schedulers' timesteps do not depend on the
   * strength (the pipeline cuts the run afterwards, diffusers' {@code get_timesteps}), so the default
   * is {@link #setTimesteps(int)}; a scheduler whose schedule does (LCM picks its timesteps from the
   * strength-shortened distillation schedule) overrides it.
   *
   * @throws IllegalArgumentException when the count or strength is out of range for this config
   */
  default void setTimesteps(int numInferenceSteps, double strength) {
    setTimesteps(numInferenceSteps);
  }

  /** The timesteps of the run, in order, as diffusers' {@code scheduler.timesteps} (a copy). */
  double[] timesteps();

  /** Scheduler order for img2img: diffusers' {@code scheduler.order} (2 for Heun, else 1). */
  default int order() {
    return 1;
  }

  /**
   * Starts the next run at index {@code beginIndex} of {@link #timesteps()} (diffusers'
   * {@code set_begin_index}, used by image-to-image). Call after {@link #setTimesteps}.
   */
  void setBeginIndex(int beginIndex);

  /** The standard deviation of the initial noise (diffusers' {@code init_noise_sigma}). */
  double initNoiseSigma();

  /** Scales the denoiser input for the current timestep; identity for most schedulers. */
  default FloatTensor scaleModelInput(FloatTensor sample, double timestep) {
    return sample;
  }

  /**
   * One denoising step: from the model output at {@code timestep} and the current sample,
   * the previous sample (diffusers' {@code prev_sample}).
   */
  FloatTensor step(FloatTensor modelOutput, double timestep, FloatTensor sample, StepContext context);

  /** Noises {@code original} to the level of {@code timestep} (diffusers' {@code add_noise}). */
  FloatTensor addNoise(FloatTensor original, FloatTensor noise, double timestep);
}
