package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.scheduler.Scheduler;
import java.util.Arrays;

/**
 * Image-to-image timestep selection by strength, as diffusers' img2img {@code get_timesteps}:
 * {@code init = min(int(N * strength), N); t_start = max(N - init, 0)}, the timesteps from
 * {@code t_start * order} on, and {@code set_begin_index(t_start * order)}. Stateless.
 */
public final class Img2ImgTimesteps {

  private Img2ImgTimesteps() {}

  /**
   * The timesteps to run for {@code strength}; {@link Scheduler#setTimesteps} must have been called
   * with {@code steps}. Also sets the scheduler's begin index.
   */
  public static double[] select(Scheduler scheduler, int steps, double strength) {
    if (!(strength >= 0 && strength <= 1)) {
      throw new IllegalArgumentException("strength must be in [0, 1], got " + strength);
    }
    int init = Math.min((int) (steps * strength), steps);
    int tStart = Math.max(steps - init, 0);
    double[] all = scheduler.timesteps();
    int from = Math.min(tStart * scheduler.order(), all.length);
    scheduler.setBeginIndex(from);
    return Arrays.copyOfRange(all, from, all.length);
  }
}
