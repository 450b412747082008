package io.diffuse4j.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.diffuse4j.samples.cli.bench.BenchSettings;
import io.diffuse4j.samples.cli.bench.BenchWorker;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code diffuse bench}: times a model through the pipeline and, in the same run, the floor (only
 * the {@code OrtSession.run} calls the pipeline made, same files, shapes, options and call counts),
 * each round in fresh JVMs (pipeline, then floor: interleaved rounds), and prints both with their
 * ratios: load, per-image time (median and spread after one warm-up image), peak RSS.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Time load, each stage and peak memory through the pipeline and against raw ONNX Runtime"
        + " (the floor), in fresh JVMs, and print the ratios.")
final class BenchCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", description = "Model folder (default: the bundled model).")
  Path model;

  @Option(names = "--size", description = "WIDTHxHEIGHT (default: 512x512 with --model, else 64x64).")
  String size;

  @Option(names = "--steps", description = "Steps (default ${DEFAULT-VALUE}).", defaultValue = "20")
  int steps;

  @Option(names = "--scheduler", description = "Scheduler (default ${DEFAULT-VALUE}).", defaultValue = "lms")
  String scheduler;

  @Option(names = "--guidance", description = "Guidance scale (default ${DEFAULT-VALUE}).", defaultValue = "7.5")
  double guidance;

  @Option(names = "--images", description = "Measured images per round, after one warm-up (default ${DEFAULT-VALUE}).",
      defaultValue = "3")
  int images;

  @Option(names = "--repeat", description = "Rounds, each a fresh pipeline JVM then a fresh floor JVM"
      + " (default ${DEFAULT-VALUE}).", defaultValue = "3")
  int repeat;

  @Option(names = "--threads", description = "ONNX Runtime intra-op threads, 0 = all cores (default ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int threads;

  @Option(names = "--prompt", defaultValue = "a photograph of an astronaut riding a horse",
      description = "Prompt (default \"${DEFAULT-VALUE}\").")
  String prompt;

  @Option(names = "--no-arena", description = "Turn ONNX Runtime's CPU memory arena off.")
  boolean noArena;

  @Option(names = "--memory-pattern", description = "Turn ONNX Runtime's memory pattern on (diffuse4j runs without"
      + " it: docs/PERFORMANCE.md).")
  boolean memoryPattern;

  /** The pipeline's optimized-model cache, as {@code generate}'s; the floor opens the model files themselves. */
  @CommandLine.Mixin
  OptimizedCacheOptions optimizedCache = new OptimizedCacheOptions();

  @Option(names = "--device", description = "cpu or cuda[:N] (default ${DEFAULT-VALUE}).", defaultValue = "cpu")
  String device;

  @Option(names = "--vae-tiling", description = "Decode in tiles.")
  boolean vaeTiling;

  @Option(names = "--vae-decode-only", description = "Measure only the VAE decoder at --size, untiled and tiled"
      + " (512-pixel tiles), each in a fresh JVM: time and peak RSS.")
  boolean vaeDecodeOnly;

  @Option(names = "--no-floor", description = "Measure the pipeline only.")
  boolean noFloor;

  @Option(names = "--json", description = "Also write every measurement to this file.")
  Path json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    int w;
    int h;
    String sz = size != null ? size : model != null ? "512x512" : "64x64";
    try {
      String[] p = sz.toLowerCase(java.util.Locale.ROOT).split("x");
      w = Integer.parseInt(p[0]);
      h = Integer.parseInt(p[1]);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--size must be WIDTHxHEIGHT such as 512x512, got " + sz);
    }
    if (images < 1 || repeat < 1) {
      throw new IllegalArgumentException("--images and --repeat must be >= 1");
    }
    Path cache = optimizedCache.folder().orElse(null);
    BenchSettings s = new BenchSettings(model == null ? null : model.toAbsolutePath(), w, h, steps, scheduler,
        guidance, images, prompt, threads, !noArena, memoryPattern, cache, device, vaeTiling);
    out.printf("bench: %s, %dx%d, %d steps %s, guidance %s, %d images x %d rounds (fresh JVMs), threads %s,"
        + " arena %s, memory pattern %s%s%n", model == null ? "bundled model" : model, w, h, steps, scheduler,
        guidance, images, repeat, threads == 0 ? "default" : threads, !noArena, memoryPattern,
        cache == null ? ", no optimized-model cache" : ", pipeline's optimized-model cache " + cache);
    out.flush();
    ObjectNode all = JSON.createObjectNode();
    all.set("settings", JSON.valueToTree(s.toArgs()));
    if (vaeDecodeOnly) {
      ArrayNode untiled = all.putArray("vae_untiled");
      ArrayNode tiled = all.putArray("vae_tiled");
      for (int round = 0; round < repeat; round++) {
        untiled.add(worker(List.of("vae-decode", "false"), s));
        tiled.add(worker(List.of("vae-decode", "true"), s));
      }
      out.println("                              untiled (median [min-max])         tiled (median [min-max])     ratio");
      row(out, "VAE decode (s)", perRound(untiled, "decode_ms", 1e-3), perRound(tiled, "decode_ms", 1e-3));
      row(out, "peak RSS (MB)", perRound(untiled, "peak_rss_mb_after_images", 1),
          perRound(tiled, "peak_rss_mb_after_images", 1));
      row(out, "RSS before decode (MB)", perRound(untiled, "rss_before_mb", 1), perRound(tiled, "rss_before_mb", 1));
      List<Double> pu = perRound(untiled, "peak_rss_mb_after_images", 1);
      List<Double> pt = perRound(tiled, "peak_rss_mb_after_images", 1);
      out.printf("tiled peak RSS / untiled: %.3f%n", median(pt) / median(pu));
      if (json != null) {
        Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
      }
      out.flush();
      return 0;
    }
    ArrayNode pipes = all.putArray("pipeline");
    ArrayNode floors = all.putArray("floor");
    for (int round = 0; round < repeat; round++) {
      JsonNode pr = worker(List.of("pipeline"), s);
      pipes.add(pr);
      JsonNode first = pr.get("images").get(0);
      if (!noFloor) {
        int teRuns = (int) first.get("text_encoder_runs").asLong();
        int unetRuns = (int) first.get("unet_runs").asLong();
        int unetBatch = guidance > 1.0 ? 2 : 1;
        int vaeRuns = (int) first.get("vae_decoder_runs").asLong();
        floors.add(worker(List.of("floor", "" + teRuns, "" + unetRuns, "" + unetBatch, "" + vaeRuns,
            first.get("latent_channels").asText(), first.get("latent_height").asText(),
            first.get("latent_width").asText()), s));
      }
      out.printf("  round %d done%n", round + 1);
      out.flush();
    }
    report(out, pipes, floors);
    if (json != null) {
      Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
      out.println("measurements written to " + json);
    }
    return 0;
  }

  private void report(PrintWriter out, ArrayNode pipes, ArrayNode floors) {
    out.println();
    out.println("                              pipeline (median [min-max])        floor (median [min-max])     ratio");
    row(out, "load (s)", perRound(pipes, "load_ms", 1e-3), perRound(floors, "load_ms", 1e-3));
    for (String part : List.of("text_encoder", "unet", "vae_decoder", "vae_encoder")) {
      List<Double> pp = perRound(pipes, "load_parts_ms." + part, 1e-3);
      if (!pp.isEmpty()) {
        row(out, "  session " + part + " (s)", pp, perRound(floors, "load_parts_ms." + part, 1e-3));
      }
    }
    row(out, "tokenize, first (ms)", perRound(pipes, "tokenize_first_ms", 1), List.of());
    row(out, "tokenize (ms)", perRound(pipes, "tokenize_ms", 1), List.of());
    row(out, "text encoder (ms)", perImage(pipes, "text_encoder_ms"), perImage(floors, "text_encoder_ms"));
    row(out, "U-Net per step (ms)", perImage(pipes, "unet_per_step_ms"), perImage(floors, "unet_per_step_ms"));
    row(out, "scheduler+CFG per step (ms)", perImage(pipes, "scheduler_and_guidance_per_step_ms"), List.of());
    row(out, "VAE decode (ms)", perImage(pipes, "vae_decoder_ms"), perImage(floors, "vae_decoder_ms"));
    row(out, "PNG encode (ms)", perImage(pipes, "png_ms"), List.of());
    row(out, "per image total (s)", scale(perImage(pipes, "total_ms"), 1e-3), scale(perImage(floors, "total_ms"), 1e-3));
    row(out, "  inside ONNX Runtime (s)", scale(perImage(pipes, "inside_ort_ms"), 1e-3), List.of());
    row(out, "  overhead (ms)", perImage(pipes, "overhead_ms"), List.of());
    List<Double> ips = new ArrayList<>();
    perImage(pipes, "total_ms").forEach(t -> ips.add(1000.0 / t));
    List<Double> fps = new ArrayList<>();
    perImage(floors, "total_ms").forEach(t -> fps.add(1000.0 / t));
    row(out, "images/s", ips, fps);
    row(out, "peak RSS (MB)", perRound(pipes, "peak_rss_mb_after_images", 1), perRound(floors,
        "peak_rss_mb_after_images", 1));
    for (String[] m : new String[][] {{"heap_committed", "Java heap committed"}, {"heap_used", "Java heap used"},
        {"non_heap_committed", "Java non-heap committed"}, {"direct_buffers", "direct byte buffers"},
        {"threads", "threads"}}) {
      row(out, "  " + m[1] + (m[0].equals("threads") ? "" : " (MB)"), perRound(pipes, "jvm_memory_mb." + m[0], 1),
          perRound(floors, "jvm_memory_mb." + m[0], 1));
    }
    for (String k : List.of("java_heap", "anonymous", "native_libraries", "other_files")) {
      row(out, "  RSS at exit: " + k.replace('_', ' ') + " (MB)", perRound(pipes, "jvm_memory_mb.rss_by_mapping." + k, 1),
          perRound(floors, "jvm_memory_mb.rss_by_mapping." + k, 1));
    }
    List<Double> gp = perRound(pipes, "gpu_memory_mb", 1);
    List<Double> gf = perRound(floors, "gpu_memory_mb", 1);
    if (!gp.isEmpty() || !gf.isEmpty()) {
      row(out, "GPU memory at exit (MB)", gp, gf);
    } else if (pipes.size() > 0 && pipes.get(0).has("gpu_memory_mb")) {
      out.println("GPU memory: not reported (nvidia-smi missing or not listing this process)");
    }
    List<Double> dp = perRound(pipes, "peak_rss_mb_after_images", 1);
    List<Double> df = perRound(floors, "peak_rss_mb_after_images", 1);
    if (!dp.isEmpty() && !df.isEmpty()) {
      out.printf("peak RSS above the floor: %+.0f MB%n", median(dp) - median(df));
      out.printf("load above the floor's session creation: %+.2f s%n",
          median(perRound(pipes, "load_ms", 1e-3)) - median(perRound(floors, "load_ms", 1e-3)));
    }
    out.flush();
  }

  private static void row(PrintWriter out, String name, List<Double> p, List<Double> f) {
    String ratio = p.isEmpty() || f.isEmpty() || median(f) == 0 ? "" : String.format("%.3fx", median(p) / median(f));
    out.printf("%-30s%-35s%-29s%s%n", name, cell(p), cell(f), ratio);
  }

  private static String cell(List<Double> v) {
    if (v.isEmpty()) {
      return "-";
    }
    return String.format("%s [%s-%s]", fmt(median(v)), fmt(Collections.min(v)), fmt(Collections.max(v)));
  }

  private static String fmt(double d) {
    return Math.abs(d) >= 100 ? String.format("%.0f", d) : Math.abs(d) >= 10 ? String.format("%.1f", d)
        : String.format("%.3f", d);
  }

  static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static List<Double> scale(List<Double> v, double f) {
    List<Double> o = new ArrayList<>();
    v.forEach(x -> o.add(x * f));
    return o;
  }

  private static List<Double> perRound(ArrayNode rounds, String path, double f) {
    List<Double> v = new ArrayList<>();
    for (JsonNode r : rounds) {
      JsonNode n = r;
      for (String k : path.split("\\.")) {
        n = n.path(k);
      }
      if (n.isNumber()) {
        v.add(n.asDouble() * f);
      }
    }
    return v;
  }

  private static List<Double> perImage(ArrayNode rounds, String field) {
    List<Double> v = new ArrayList<>();
    for (JsonNode r : rounds) {
      for (JsonNode im : r.path("images")) {
        if (im.path(field).isNumber()) {
          v.add(im.get(field).asDouble());
        }
      }
    }
    return v;
  }

  /** Runs {@link BenchWorker} in a fresh JVM with this JVM's options and class path; returns its JSON. */
  private JsonNode worker(List<String> role, BenchSettings s) throws IOException, InterruptedException {
    Path out = Files.createTempFile("diffuse4j-bench", ".json");
    try {
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-XX:SharedArchiveFile")
            && !a.startsWith("-XX:+AutoCreateSharedArchive")) {
          cmd.add(a);
        }
      }
      cmd.add("-cp");
      cmd.add(ManagementFactory.getRuntimeMXBean().getClassPath());
      cmd.add(BenchWorker.class.getName());
      cmd.add(out.toString());
      cmd.addAll(role);
      cmd.addAll(s.toArgs());
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int rc = p.waitFor();
      if (rc != 0 || Files.size(out) == 0) {
        throw new IllegalStateException("the " + role.get(0) + " benchmark JVM failed (exit " + rc + "):\n" + log);
      }
      return JSON.readTree(out.toFile());
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
