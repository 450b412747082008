package io.diffuse4j.samples.cli;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.pipelines.Diffusion;
import io.diffuse4j.samples.judge.PromptGrammar;
import io.diffuse4j.samples.judge.Scene;
import io.diffuse4j.samples.judge.ShapeJudge;
import io.diffuse4j.samples.judge.Verdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code diffuse benchmark}: generates random prompts of the bundled model's grammar × seeds, judges
 * every image by its pixels and prints per-attribute accuracy (in-distribution and held-out triples)
 * and milliseconds per image in a warm JVM.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
    description = "Judge the bundled model: per-attribute accuracy over random grammar prompts x seeds, and ms/image.")
final class BenchmarkCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--prompts", description = "Random prompts per group (default ${DEFAULT-VALUE}).", defaultValue = "50")
  int prompts;

  @Option(names = "--seeds", description = "Seeds per prompt (default ${DEFAULT-VALUE}).", defaultValue = "4")
  int seeds;

  @Option(names = "--steps", description = "Steps (default ${DEFAULT-VALUE}).", defaultValue = "20")
  int steps;

  @Option(names = "--scheduler", description = "Scheduler (default ${DEFAULT-VALUE}).", defaultValue = "ddim")
  String scheduler;

  @Option(names = "--guidance", description = "Guidance scale (default: the model's).")
  Double guidance;

  @Option(names = "--model", description = "Model folder (default: the bundled model).")
  Path model;

  @Option(names = "--prompt-seed", description = "Seed of the prompt sampler (default ${DEFAULT-VALUE}).",
      defaultValue = "2024")
  long promptSeed;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Diffusion.Builder b = Diffusion.builder().warnings(w -> { });
    if (model != null) {
      b.model(model);
    }
    try (DiffusionPipeline p = b.load()) {
      // warm-up
      p.generate(GenerationRequest.builder("a red circle on a blue background").steps(steps).scheduler(scheduler)
          .guidanceScale(guidance).build());
      out.printf("model %s, %d steps %s, guidance %s, %d prompts x %d seeds per group%n", p.model().name(), steps,
          scheduler, guidance != null ? guidance : p.model().defaultGuidance() + " (model default)", prompts, seeds);
      out.println("group       images  background  colour  shape  position  size   ms/image");
      for (boolean heldOut : new boolean[] {false, true}) {
        Random rng = new Random(promptSeed + (heldOut ? 1 : 0));
        int[] ok = new int[5];
        int[] n = new int[5];
        long nanos = 0;
        int images = 0;
        for (int i = 0; i < prompts; i++) {
          Scene scene = PromptGrammar.random(rng, heldOut);
          for (int s = 0; s < seeds; s++) {
            long t0 = System.nanoTime();
            GenerationResult r = p.generate(GenerationRequest.builder(scene.prompt()).steps(steps)
                .scheduler(scheduler).guidanceScale(guidance).seed(1000L * i + s).build());
            nanos += System.nanoTime() - t0;
            images++;
            Verdict v = ShapeJudge.judge(scene, r.first().image());
            count(ok, n, 0, v.backgroundOk());
            count(ok, n, 1, v.colourOk());
            count(ok, n, 2, v.shapeOk());
            if (v.positionOk() != null) {
              count(ok, n, 3, v.positionOk());
            }
            if (v.sizeOk() != null) {
              count(ok, n, 4, v.sizeOk());
            }
          }
        }
        out.printf("%-10s  %6d  %9.1f%%  %5.1f%%  %4.1f%%  %7.1f%%  %4.1f%%  %8.1f%n", heldOut ? "held-out" : "in-dist",
            images, pct(ok, n, 0), pct(ok, n, 1), pct(ok, n, 2), pct(ok, n, 3), pct(ok, n, 4), nanos / 1e6 / images);
        out.flush();
      }
    }
    return 0;
  }

  private static void count(int[] ok, int[] n, int i, boolean good) {
    n[i]++;
    if (good) {
      ok[i]++;
    }
  }

  private static double pct(int[] ok, int[] n, int i) {
    return n[i] == 0 ? Double.NaN : 100.0 * ok[i] / n[i];
  }
}
