package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;

/**
 * The root of the built-in schedulers: the effective config (the class's keys with their
 * defaults plus the foreign keys kept for the round trip) and {@code num_train_timesteps}, both
 * set once by the subclass's constructor. Not thread-safe: one instance per run.
 */
abstract class ConfiguredScheduler implements Scheduler {

  /** The config as this scheduler uses it ({@code ConfigReader.effectiveConfig()}). */
  SchedulerConfig config;
  /** {@code num_train_timesteps}. */
  int numTrain;

  @Override
  public SchedulerConfig config() {
    return config;
  }

  @Override
  public int numTrainTimesteps() {
    return numTrain;
  }
}
