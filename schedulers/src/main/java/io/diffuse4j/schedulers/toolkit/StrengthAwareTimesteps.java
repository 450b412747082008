package io.diffuse4j.schedulers.toolkit;

import io.diffuse4j.api.scheduler.Scheduler;

/**
 * A scheduler whose timesteps for image-to-image depend on the strength itself (diffusers'
 * {@code LCMScheduler.set_timesteps(n, strength=...)} picks them from its original schedule),
 * not only on the cut the img2img pipeline makes afterwards. Callers that know the strength
 * use this contract instead of downcasting to a class.
 *
 * <p>Implementations hold run state: not thread-safe, as any {@link Scheduler}.
 */
public interface StrengthAwareTimesteps extends Scheduler {

  /** {@code set_timesteps(numInferenceSteps, strength=strength)}. */
  void setTimesteps(int numInferenceSteps, double strength);
}
