package io.diffuse4j.samples.cli.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one benchmark run measures, passed from {@code diffuse bench} to its worker JVMs as arguments.
 *
 * @param model the model folder, or null for the bundled model
 * @param width image width
 * @param height image height
 * @param steps denoising steps
 * @param scheduler scheduler name
 * @param guidance guidance scale
 * @param images measured images per round (after one warm-up image)
 * @param prompt the prompt
 * @param threads ONNX Runtime intra-op threads, 0 for its default
 * @param cpuArena ONNX Runtime's CPU arena
 * @param memoryPattern ONNX Runtime's memory pattern
 * @param optimizedCache the optimized-model cache folder, or null for none
 * @param device cpu or cuda[:N]
 * @param vaeTiling whether the pipeline decodes in tiles
 */
public record BenchSettings(Path model, int width, int height, int steps, String scheduler, double guidance,
    int images, String prompt, int threads, boolean cpuArena, boolean memoryPattern, Path optimizedCache,
    String device, boolean vaeTiling) {

  /** The arguments that {@link #parse} reads back. */
  public List<String> toArgs() {
    List<String> a = new ArrayList<>();
    a.add(model == null ? "-" : model.toString());
    a.add(Integer.toString(width));
    a.add(Integer.toString(height));
    a.add(Integer.toString(steps));
    a.add(scheduler);
    a.add(Double.toString(guidance));
    a.add(Integer.toString(images));
    a.add(prompt);
    a.add(Integer.toString(threads));
    a.add(Boolean.toString(cpuArena));
    a.add(Boolean.toString(memoryPattern));
    a.add(optimizedCache == null ? "-" : optimizedCache.toString());
    a.add(device);
    a.add(Boolean.toString(vaeTiling));
    return a;
  }

  /** Reads {@link #toArgs()} from {@code args} starting at {@code from}. */
  public static BenchSettings parse(String[] args, int from) {
    int i = from;
    String m = args[i++];
    int w = Integer.parseInt(args[i++]);
    int h = Integer.parseInt(args[i++]);
    int steps = Integer.parseInt(args[i++]);
    String scheduler = args[i++];
    double guidance = Double.parseDouble(args[i++]);
    int images = Integer.parseInt(args[i++]);
    String prompt = args[i++];
    int threads = Integer.parseInt(args[i++]);
    boolean arena = Boolean.parseBoolean(args[i++]);
    boolean pattern = Boolean.parseBoolean(args[i++]);
    String cache = args[i++];
    String device = args[i++];
    boolean tiling = Boolean.parseBoolean(args[i]);
    return new BenchSettings("-".equals(m) ? null : Path.of(m), w, h, steps, scheduler, guidance, images, prompt,
        threads, arena, pattern, "-".equals(cache) ? null : Path.of(cache), device, tiling);
  }
}
