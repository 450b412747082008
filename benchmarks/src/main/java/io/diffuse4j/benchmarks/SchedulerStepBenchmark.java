package io.diffuse4j.benchmarks;

import io.diffuse4j.api.noise.NoiseKind;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.SchedulerConfigJson;
import io.diffuse4j.schedulers.Schedulers;
import io.diffuse4j.noise.DefaultNoiseSourceFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * One {@code step()} of every built-in scheduler on SD-sized latents (4x64x64 for 512^2, 4x128x128 for
 * 1024^2), with SD 1.5's scheduler config, 20 steps set. The scheduler is re-created and stepped from
 * the start each time it runs out of timesteps, so multistep schedulers are measured in their steady
 * state and in their warm-up steps alike.
 *
 * <pre>
 * java -cp "benchmarks/target/diffuse4j-benchmarks-0.1.0-SNAPSHOT.jar:$(cat benchmarks/target/classpath.txt)" \
 *     org.openjdk.jmh.Main SchedulerStep
 * </pre>
 *
 * <p>JMH state: one per benchmark thread (not shared).
 */
public class SchedulerStepBenchmark extends MicrosecondBenchmark {

  static final String SD15 = "{\"_class_name\": \"PNDMScheduler\", \"beta_end\": 0.012,"
      + " \"beta_schedule\": \"scaled_linear\", \"beta_start\": 0.00085, \"num_train_timesteps\": 1000,"
      + " \"set_alpha_to_one\": false, \"skip_prk_steps\": true, \"steps_offset\": 1, \"clip_sample\": false}";

  /** Built-in scheduler short names. */
  @Param({"ddim", "ddpm", "pndm", "lms", "euler", "euler-a", "heun", "dpm++2m", "dpm++2m-karras", "dpm++2m-sde", "unipc",
      "lcm"})
  public String scheduler;

  /** Latent side: 64 (512^2 images) or 128 (1024^2). */
  @Param({"64", "128"})
  public int side;

  private final Schedulers catalogue = Schedulers.builtIn();
  private final SchedulerConfig config = SchedulerConfigJson.parse(SD15);
  private Scheduler s;
  private double[] timesteps;
  private int i;
  private FloatTensor sample;
  private FloatTensor modelOutput;
  private StepContext ctx;

  /** Latents and a model output of the size, a fresh scheduler. */
  @Setup(Level.Trial)
  public void setUp() {
    var noise = new DefaultNoiseSourceFactory().create(NoiseKind.TORCH, 42);
    sample = noise.randn(1, 4, side, side);
    modelOutput = noise.randn(1, 4, side, side);
    ctx = StepContext.of(noise);
    restart();
  }

  private void restart() {
    s = catalogue.create(scheduler, config);
    s.setTimesteps(20);
    timesteps = s.timesteps();
    i = 0;
  }

  /** One step (and the model-input scaling the pipeline does before the U-Net). */
  @Benchmark
  public FloatTensor step() {
    if (i == timesteps.length) {
      restart();
    }
    double t = timesteps[i++];
    s.scaleModelInput(sample, t);
    return s.step(modelOutput, t, sample, ctx);
  }
}
