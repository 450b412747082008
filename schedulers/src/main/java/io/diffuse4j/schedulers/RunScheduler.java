package io.diffuse4j.schedulers;

/**
 * The run state the sigma-space, multistep and LCM schedulers share, as their diffusers classes
 * hold it: the run's timesteps (null before {@code setTimesteps}), {@code _step_index} and
 * {@code _begin_index}, the refusal of a use before {@code setTimesteps} or of fewer than one
 * step, with messages naming the class. VP schedulers start from unit variance
 * ({@code init_noise_sigma = 1}); the sigma-space ones override it. Not thread-safe: one
 * instance per run.
 */
abstract class RunScheduler extends ConfiguredScheduler {

  /** The diffusers class name, for messages. */
  final String className;
  /** The run's timesteps (null before {@code setTimesteps}). */
  double[] timesteps;
  /** diffusers' {@code _step_index} (null until the first step). */
  Integer stepIndex;
  /** diffusers' {@code _begin_index} (null unless set). */
  Integer beginIndex;

  RunScheduler(String className) {
    this.className = className;
  }

  /** An {@code IllegalArgumentException} whose message starts with the class name. */
  IllegalArgumentException refuse(String message) {
    return new IllegalArgumentException(className + ": " + message);
  }

  /** Refuses fewer than one inference step. */
  void checkSteps(int numInferenceSteps) {
    if (numInferenceSteps < 1) {
      throw refuse("num_inference_steps = " + numInferenceSteps + " must be at least 1");
    }
  }

  /** Refuses a use of the run before {@code setTimesteps}. */
  void requireTimesteps() {
    if (timesteps == null) {
      throw new IllegalStateException(className + ": call setTimesteps(numInferenceSteps) before using the"
          + " schedule");
    }
  }

  /** Starts a run: its timesteps, no step taken, no begin index. */
  void startRun(double[] runTimesteps) {
    timesteps = runTimesteps;
    stepIndex = null;
    beginIndex = null;
  }

  /** diffusers' {@code index_for_timestep} of this class. */
  abstract int indexForTimestep(double t);

  /**
   * The step index {@code add_noise} uses, as diffusers picks it: from the timestep before
   * {@code set_begin_index}, else the current step, else the begin index.
   */
  int addNoiseIndex(double timestep) {
    requireTimesteps();
    if (beginIndex == null) {
      return indexForTimestep(timestep);
    }
    return stepIndex != null ? stepIndex : beginIndex;
  }

  @Override
  public double[] timesteps() {
    requireTimesteps();
    return timesteps.clone();
  }

  @Override
  public void setBeginIndex(int index) {
    this.beginIndex = index;
  }

  @Override
  public double initNoiseSigma() {
    return 1.0;
  }
}
