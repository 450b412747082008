package io.diffuse4j.benchmarks;

import io.diffuse4j.api.noise.NoiseKind;
import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.SchedulerConfigJson;
import io.diffuse4j.schedulers.Schedulers;
import io.diffuse4j.noise.DefaultNoiseSourceFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole run of a scheduler on SD 1.5's 512² latents (4x64x64) with SD 1.5's scheduler config: what a
 * generation costs besides the U-Net (set_timesteps, then per step scale_model_input, step and the
 * noise it draws), so that a scheduler whose cost grows faster than its step count shows. The U-Net's
 * output is a fixed tensor.
 *
 * <pre>
 * java -cp "benchmarks/target/diffuse4j-benchmarks-0.1.0-SNAPSHOT.jar:$(cat benchmarks/target/classpath.txt)" \
 *     org.openjdk.jmh.Main SchedulerRun -p steps=500
 * </pre>
 *
 * <p>JMH state: one per benchmark thread (not shared); times in milliseconds, longer iterations.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SchedulerRunBenchmark extends MicrosecondBenchmark {

  /** The built-in scheduler's short name. */
  @Param({"ddim", "ddpm", "euler", "dpm++2m"})
  public String scheduler;

  /** Steps of the run. */
  @Param({"500", "999"}) // 1000 with SD's steps_offset 1 reaches timestep 1000: DDIM and DDPM refuse it, as diffusers fails on it
  public int steps;

  private final Schedulers catalogue = Schedulers.builtIn();
  private final SchedulerConfig config = SchedulerConfigJson.parse(SchedulerStepBenchmark.SD15);
  private NoiseSource noise;
  private FloatTensor start;
  private FloatTensor modelOutput;

  /** The start latents and a model output. */
  @Setup(Level.Trial)
  public void setUp() {
    noise = new DefaultNoiseSourceFactory().create(NoiseKind.TORCH, 42);
    start = noise.randn(1, 4, 64, 64);
    modelOutput = noise.randn(1, 4, 64, 64);
  }

  /** One run of {@code steps} steps. */
  @Benchmark
  public FloatTensor run() {
    Scheduler s = catalogue.create(scheduler, config);
    s.setTimesteps(steps);
    StepContext ctx = StepContext.of(noise);
    FloatTensor x = start;
    for (double t : s.timesteps()) {
      s.scaleModelInput(x, t);
      x = s.step(modelOutput, t, x, ctx);
    }
    return x;
  }
}
