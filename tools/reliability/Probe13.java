import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationParameters;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.StepEvent;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.pipelines.Diffusion;
import io.diffuse4j.pipelines.image.Images;
import io.diffuse4j.pipelines.image.PngWriter;
import io.diffuse4j.pipelines.model.BundledModelFiles;
import io.diffuse4j.plugins.LoadedPlugins;
import io.diffuse4j.plugins.PluginLoader;
import io.diffuse4j.samples.cli.DiffuseCli;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import javax.tools.ToolProvider;

/**
 * Issue #13's "Why" cases as one probe that compiles against diffuse4j before the reliability work
 * (c046587) and after it (the API it uses is common to both), so each case can be run on both.
 * Every case runs in its own child JVM and prints {@code CASE <id> | OK|BAD | <what happened>}:
 * BAD is the behaviour the issue reported, OK what the issue asks for (the same condition the
 * named test asserts). Usage, from a checkout's root with its CLI class path:
 * {@code java -cp <cli class path>:<probe classes> Probe13 all <repository root> <test-models> <images>}.
 * See docs/RELIABILITY.md, "Every case under Why".
 */
public class Probe13 {

  static Path models;
  static Path images;
  static Path work;

  public static void main(String[] a) throws Exception {
    models = Path.of(a[2]).toAbsolutePath();
    images = Path.of(a[3]).toAbsolutePath();
    if (a[0].equals("all")) {
      List<String> cases = new ArrayList<>();
      for (Method m : Probe13.class.getDeclaredMethods()) {
        if (m.getName().startsWith("case_")) {
          cases.add(m.getName().substring(5));
        }
      }
      cases.sort(Comparator.naturalOrder());
      for (String c : a.length > 4 ? List.of(a[4].split(",")) : cases) {
        child(c, a);
      }
      return;
    }
    work = Files.createTempDirectory("probe13-");
    try {
      String r = (String) Probe13.class.getDeclaredMethod("case_" + a[0]).invoke(null);
      System.out.println("CASE " + a[0] + " | " + r.replaceAll("[\\r\\n]+", " "));
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable t = e.getCause();
      if (t instanceof ExitNormally) {
        return; // the JVM must now end by itself (no halt)
      }
      System.out.println("CASE " + a[0] + " | BAD | uncaught " + t.getClass().getName() + ": " + cut(t.getMessage()));
    }
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  static void child(String c, String[] a) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.add(c.equals("png_bomb") || c.equals("timesteps_1e9") || c.equals("plugin_huge_name") ? "-Xmx512m" : "-Xmx2g");
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "Probe13", c, a[1], a[2], a[3]));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Path tmp = Files.createTempDirectory("probe13-env-");
    pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
    Process p = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread pump = new Thread(() -> {
      try {
        p.getInputStream().transferTo(out);
      } catch (Exception e) {
        // ends with the process
      }
    });
    pump.start();
    int limit = c.equals("plugin_thread") ? 15 : 120;
    boolean ended = p.waitFor(limit, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly().waitFor();
    }
    pump.join(5000);
    String text = out.toString(StandardCharsets.UTF_8);
    String line = text.lines().filter(l -> l.startsWith("CASE ")).reduce((x, y) -> y).orElse(null);
    if (!ended) {
      System.out.println("CASE " + c + " | BAD | still running after " + limit + " s (killed)"
          + (line == null ? "" : "; it had printed: " + line));
    } else if (line == null) {
      System.out.println("CASE " + c + " | BAD | child JVM exit " + p.exitValue()
          + (p.exitValue() == 134 ? " (SIGABRT/SIGSEGV: JVM crash)" : "") + "; last output: "
          + cut(text.lines().filter(l -> !l.isBlank()).reduce((x, y) -> y).orElse("")));
    } else {
      System.out.println(line);
    }
  }

  // ---------------------------------------------------------------- helpers

  static String cut(String s) {
    if (s == null) {
      return "null";
    }
    s = s.replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "").replaceAll("generating \\[#*\\] \\S+ \\S+ ?", "");
    return s.length() > 220 ? s.substring(0, 220) + "..." : s;
  }

  static String ok(String what) {
    return "OK | " + what;
  }

  static String bad(String what) {
    return "BAD | " + what;
  }

  static String err(Throwable t) {
    return t.getClass().getSimpleName() + ": " + cut(t.getMessage());
  }

  static Path copy(String model) throws Exception {
    return copy(models.resolve(model), work.resolve(model));
  }

  static Path copy(Path from, Path to) throws Exception {
    try (var s = Files.walk(from)) {
      for (Path p : s.sorted().toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    return to;
  }

  static GenerationRequest.Builder small(String prompt) {
    return GenerationRequest.builder(prompt).steps(1).size(64, 64).scheduler("ddim").seed(1);
  }

  static DiffusionPipeline tiny() {
    return Diffusion.builder().model(models.resolve("sd15-tiny")).warnings(w -> { }).load();
  }

  static String[] cli(String... args) {
    java.io.PrintStream sysErr = System.err;
    java.io.PrintStream sysOut = System.out;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      var cl = DiffuseCli.commandLine(); // made after the swap: its writers wrap the buffers
      code = cl.execute(args);
      cl.getErr().flush();
      cl.getOut().flush();
    } finally {
      System.setErr(sysErr);
      System.setOut(sysOut);
    }
    return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8)};
  }

  /** The image reader the CLI uses at this commit: ImageFiles where it exists, else ImageIO. */
  static BufferedImage readLikeTheCli(Path f) throws Exception {
    try {
      Class<?> c = Class.forName("io.diffuse4j.pipelines.image.ImageFiles");
      return (BufferedImage) c.getMethod("read", Path.class, String.class).invoke(null, f, "mask");
    } catch (ClassNotFoundException e) {
      return ImageIO.read(f.toFile());
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  static GeneratedImage anImage(String prompt, String negative) {
    try (DiffusionPipeline p = tiny()) {
      return p.generate(small(prompt).negativePrompt(negative).build()).first();
    }
  }

  /** Compiles sources (class name to text) on this class path into a plugin jar with these service files. */
  static Path pluginJar(Path dir, String name, Map<String, String> sources, Map<String, String> services)
      throws Exception {
    Path src = Files.createTempDirectory(work, "src");
    Path classes = Files.createTempDirectory(work, "classes");
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
    for (var e : sources.entrySet()) {
      Path f = src.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(f.getParent());
      Files.writeString(f, e.getValue());
      args.add(f.toString());
    }
    if (ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)) != 0) {
      throw new IllegalStateException("plugin sources do not compile");
    }
    Files.createDirectories(dir);
    Path jar = dir.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); var s = Files.walk(classes)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
      for (var e : services.entrySet()) {
        out.putNextEntry(new JarEntry("META-INF/services/" + e.getKey()));
        out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }

  static final String SP = "io.diffuse4j.api.scheduler.SchedulerProvider";
  static final String DP = "io.diffuse4j.plugins.DiffusionPlugin";

  static String provider(String pkg, String cls, String name, String extra) {
    return "package " + pkg + ";\nimport io.diffuse4j.api.scheduler.*;\npublic final class " + cls
        + " implements SchedulerProvider {\n" + extra + "\n  public String name() { return \"" + name + "\"; }\n"
        + "  public String diffusersClassName() { return \"X\"; }\n"
        + "  public Scheduler create(SchedulerConfig c) { return null; }\n}\n";
  }

  static Path finePlugin(Path dir) throws Exception {
    return pluginJar(dir, "zz-fine.jar", Map.of("fine.Fine", provider("fine", "Fine", "plugin-fine", "")),
        Map.of(SP, "fine.Fine\n"));
  }

  // ---------------------------------------------------------------- lifecycle

  /** Why: the JVM dies when a pipeline is closed while a generation runs. Test: LifecycleTest.closeAtRandom... */
  static String case_close_crash() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    int[] outcomes = new int[3];
    for (int c = 0; c < 3; c++) {
      DiffusionPipeline p = tiny();
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        runs.add(pool.submit(() -> p.generate(GenerationRequest.builder("x").steps(30).size(64, 64).scheduler("ddim")
            .build())));
      }
      Thread.sleep(150);
      p.close();
      for (Future<?> f : runs) {
        try {
          f.get();
          outcomes[0]++;
        } catch (Exception e) {
          outcomes[e.getCause() instanceof IllegalStateException ? 2 : 1]++;
        }
      }
    }
    return ok("3 closes during 4 generations each: no crash (" + outcomes[0] + " images, " + outcomes[1]
        + " cancelled/failed, " + outcomes[2] + " refused)");
  }

  /** Why: a second close() throws. Test: LifecycleTest.closeIsIdempotentAndLaterCallsFail */
  static String case_close_twice() {
    DiffusionPipeline p = tiny();
    p.close();
    try {
      p.close();
      return ok("second close() does nothing");
    } catch (Exception e) {
      return bad("second close() threw " + err(e));
    }
  }

  /** Why: generate after close fails with a tokenizer message naming a temp path. Test: same. */
  static String case_generate_after_close() {
    DiffusionPipeline p = tiny();
    p.close();
    try {
      p.generate(small("x").build());
      return bad("generate after close made an image");
    } catch (IllegalStateException e) {
      return "pipeline is closed".equals(e.getMessage()) ? ok("IllegalStateException(\"pipeline is closed\")")
          : bad(err(e));
    } catch (Exception e) {
      return bad(err(e));
    }
  }

  /** Why: an interrupted worker runs all 50 steps. Test: LifecycleTest.interruptStopsWithinOneStep... */
  static String case_interrupt() {
    try (DiffusionPipeline p = tiny()) {
      AtomicInteger steps = new AtomicInteger();
      try {
        p.generate(GenerationRequest.builder("x").steps(50).size(64, 64).scheduler("ddim").build(), new ProgressListener() {
          @Override
          public void onStep(StepEvent e) {
            steps.incrementAndGet();
            if (e.step() == 2) {
              Thread.currentThread().interrupt();
            }
          }
        }, () -> false);
      } catch (RuntimeException e) {
        // stopped
      }
      boolean flag = Thread.interrupted();
      return steps.get() <= 3 ? ok("stopped after " + steps.get() + " of 50 steps, interrupt flag " + flag)
          : bad("ran " + steps.get() + " of 50 steps after the interrupt at step 2");
    }
  }

  // ---------------------------------------------------------------- files written

  /** Why: a planted symlink at the temp name makes diffuse4j overwrite the file it points to. Test: OutputFilesTest.plantedSymlinkAtAnyTempNameIsNeverFollowed */
  static String case_png_temp_symlink() throws Exception {
    GeneratedImage img = anImage("x", "");
    Path victim = Files.writeString(work.resolve("victim.txt"), "precious");
    Path out = work.resolve("out.png");
    long pid = ProcessHandle.current().pid();
    // the old temp name: .<name>.<pid>.<thread id>.tmp (plant it for a range of thread ids)
    for (long tid = 0; tid < 64; tid++) {
      Files.createSymbolicLink(work.resolve(".out.png." + pid + "." + tid + ".tmp"), victim);
    }
    try {
      PngWriter.write(img, out);
    } catch (Exception e) {
      // a refusal is fine; what matters is the victim
    }
    String v = Files.readString(victim, StandardCharsets.ISO_8859_1);
    return v.equals("precious") ? ok("the file the planted link points to is untouched")
        : bad("the victim file was overwritten (" + Files.size(victim) + " bytes, PNG=" + v.startsWith("\u0089PNG") + ")");
  }

  /** Why: --output /dev/null as root replaced the device node. Test: OutputFilesTest.devicesFifosAndFoldersAreRefused */
  static String case_png_device() throws Exception {
    GeneratedImage img = anImage("x", "");
    Path dev = work.resolve("null-device");
    if (new ProcessBuilder("mknod", dev.toString(), "c", "1", "3").start().waitFor() != 0) {
      return "SKIP | mknod needs root";
    }
    try {
      PngWriter.write(img, dev);
    } catch (Exception e) {
      // refused
    }
    return Files.isRegularFile(dev, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        ? bad("the device node was replaced by a regular file") : ok("the device node is still a device");
  }

  /** Why: existing files are overwritten without a word. Test: OutputFilesTest.existingFileIsKeptUnlessReplacingIsAllowed */
  static String case_png_existing() throws Exception {
    GeneratedImage img = anImage("x", "");
    Path out = Files.writeString(work.resolve("mine.png"), "mine");
    try {
      PngWriter.write(img, out);
    } catch (Exception e) {
      return Files.readString(out).equals("mine") ? ok("refused: " + err(e)) : bad("replaced, then " + err(e));
    }
    return bad("the existing file was replaced silently");
  }

  /** Why: --output pointing to a directory fails after generating with a stack trace. Test: HostileCliInputTest.outputThatIsAFolder... */
  static String case_cli_output_folder() throws Exception {
    Path dir = Files.createDirectories(work.resolve("outdir"));
    String[] r = cli("generate", "--model", work.resolve("no-such-model").toString(), "--prompt", "x", "--output",
        dir.toString());
    boolean before = r[2].contains("folder") && !r[2].contains("no-such-model");
    String[] r2 = before ? r : cli("generate", "--model", models.resolve("sd15-tiny").toString(), "--prompt", "x",
        "--steps", "1", "--output", dir.toString());
    return before && !r[2].contains("Exception") ? ok("exit " + r[0] + " before loading: " + cut(r[2]))
        : bad("not refused before loading; with a model: exit " + r2[0] + " after generating: " + cut(r2[2]
            .replaceAll("generating \\S+ \\S+ \\S+", "")));
  }

  /** Why: the bundled model's unpacked copy is trusted as found. Test: BundledModelFilesTest.plantedOrDamagedCopiesAreReplacedNotLoaded */
  static String case_bundled_planted() throws Exception {
    Path tmp = Files.createDirectories(work.resolve("tmp"));
    System.setProperty("java.io.tmpdir", tmp.toString()); // the old copy lives in java.io.tmpdir, the new in XDG_CACHE_HOME
    Path first = BundledModelFiles.folder();
    Path index = first.resolve("model_index.json");
    Files.writeString(index, Files.readString(index) + "\n ");
    Path second = BundledModelFiles.folder();
    String again = Files.readString(second.resolve("model_index.json"));
    return again.endsWith("\n ") ? bad("the planted copy in " + second + " is used as found")
        : ok("the changed copy was replaced before use");
  }

  // ---------------------------------------------------------------- plugins

  /** Why: an Error thrown by a plugin's name() aborts the whole plugin load. Test: HostilePluginTest.errorsFromPluginCode... */
  static String case_plugin_error_name() throws Exception {
    Path dir = work.resolve("plugins");
    pluginJar(dir, "error.jar", Map.of("err.ErrorPlugin", "package err;\npublic final class ErrorPlugin implements "
        + "io.diffuse4j.plugins.DiffusionPlugin {\n public String name() { throw new AssertionError(\"boom\"); }\n}\n"),
        Map.of(DP, "err.ErrorPlugin\n"));
    finePlugin(dir);
    try (LoadedPlugins l = PluginLoader.load(dir)) {
      return l.schedulerNames().contains("plugin-fine") ? ok("the other plugin loaded; problem: "
          + cut(l.problems().toString())) : bad("the fine plugin is missing: " + l.schedulerNames());
    } catch (Throwable e) {
      return bad("the whole load failed: " + err(e));
    }
  }

  /** Why: create() returning null gives an NPE. Test: HostilePluginTest.nullsAndErrorsFromCreateNameThePlugin */
  static String case_plugin_null_create() throws Exception {
    Path dir = work.resolve("plugins");
    pluginJar(dir, "nulls.jar", Map.of("nul.Null", provider("nul", "Null", "plugin-null", "")), Map.of(SP, "nul.Null\n"));
    try (DiffusionPipeline p = Diffusion.builder().model(models.resolve("sd15-tiny")).plugins(dir).warnings(w -> { })
        .load()) {
      p.generate(small("x").scheduler("plugin-null").build());
      return bad("an image from a null scheduler?");
    } catch (DiffusionException e) {
      return e.getMessage().contains("nulls.jar") ? ok(err(e)) : bad(err(e));
    } catch (Throwable e) {
      return bad(err(e));
    }
  }

  /** Why: a plugin thread keeps the JVM alive after close(). Test: HostilePluginTest.threadsStartedByPlugins... */
  static String case_plugin_thread() throws Exception {
    Path dir = work.resolve("plugins");
    pluginJar(dir, "threads.jar", Map.of("thr.T", provider("thr", "T", "plugin-threads",
        "static { new Thread(() -> { while (true) { try { Thread.sleep(50); } catch (InterruptedException e) { return; } }"
        + " }, \"plugin-worker\").start(); }")), Map.of(SP, "thr.T\n"));
    PluginLoader.load(dir).close();
    System.out.println("CASE plugin_thread | OK | the JVM ended after close() (a still-running plugin thread would"
        + " keep it alive until killed)");
    System.out.flush();
    throw new ExitNormally(); // main returns without halt: the JVM must end by itself
  }

  /** Why: a plugin whose constructor never returns hangs loading forever. Test: HostilePluginTest.aJarThatHangs... */
  static String case_plugin_hang() throws Exception {
    Path dir = work.resolve("plugins");
    pluginJar(dir, "hang.jar", Map.of("hang.H", provider("hang", "H", "plugin-hang",
        "public H() { while (true) { Thread.onSpinWait(); } }")), Map.of(SP, "hang.H\n"));
    finePlugin(dir);
    List<String> names = new ArrayList<>();
    Thread t = new Thread(() -> {
      try (LoadedPlugins l = PluginLoader.load(dir)) {
        names.addAll(l.schedulerNames());
      }
    });
    t.setDaemon(true);
    t.start();
    t.join(30_000);
    return t.isAlive() ? bad("PluginLoader.load still running after 30 s") : ok("loaded " + names + " despite the hang");
  }

  /** Why: an oversized plugin name ends in OutOfMemoryError. Test: HostilePluginTest.oversizedNamesAreRefused... */
  static String case_plugin_huge_name() throws Exception {
    Path dir = work.resolve("plugins");
    pluginJar(dir, "huge.jar", Map.of("huge.H", "package huge;\nimport io.diffuse4j.api.scheduler.*;\n"
        + "public final class H implements SchedulerProvider {\n private static final String N = \"a\".repeat(20_000_000);\n"
        + " public String name() { return N; }\n public String diffusersClassName() { return \"X\"; }\n"
        + " public Scheduler create(SchedulerConfig c) { return null; }\n}\n"), Map.of(SP, "huge.H\n"));
    try {
      var names = Diffusion.builder().plugins(dir).warnings(w -> { }).schedulers().names();
      boolean kept = names.stream().anyMatch(n -> n.length() > 1000);
      return kept ? bad("a 20000000-character scheduler name was accepted") : ok("the name was refused");
    } catch (Throwable e) {
      return bad(err(e));
    }
  }

  /** Why: System.exit in a plugin's static initialiser ends the host. Documented (Java 17 cannot refuse it). */
  static String case_plugin_system_exit() throws Exception {
    Path dir = work.resolve("plugins");
    pluginJar(dir, "exit.jar", Map.of("ex.E", provider("ex", "E", "plugin-exit", "static { System.exit(42); }")),
        Map.of(SP, "ex.E\n"));
    Diffusion.builder().plugins(dir).warnings(w -> { }).schedulers();
    return ok("the host survived");
  }

  // ---------------------------------------------------------------- model files

  static String loadAndDraw(Path m) {
    try (DiffusionPipeline p = Diffusion.builder().model(m).warnings(w -> { }).load()) {
      BufferedImage img = p.generate(GenerationRequest.builder("x").steps(1).scheduler("ddim").build()).first().image();
      return "image " + img.getWidth() + "x" + img.getHeight();
    }
  }

  /** Why: block_out_channels [] makes a 4096x4096 image (32 entries: / by zero). Test: HostileModelFilesTest.vaeBlockOutChannels... */
  static String case_vae_block_out_channels() throws Exception {
    Path m = copy("sd15-tiny-optimum");
    Path config = m.resolve("vae_decoder/config.json");
    String original = Files.readString(config);
    List<String> seen = new ArrayList<>();
    boolean allRefused = true;
    for (String blocks : new String[] {"[]", "[" + "32,".repeat(31) + "32]"}) {
      Files.writeString(config, original.replaceAll("\"block_out_channels\"\\s*:\\s*\\[[^\\]]*\\]",
          "\"block_out_channels\": " + blocks));
      try {
        seen.add(blocks.length() > 2 ? "32 entries: " + loadAndDraw(m) : "[]: " + loadAndDraw(m));
        allRefused = false;
      } catch (DiffusionException e) {
        seen.add(err(e));
        allRefused &= e.getMessage().contains("block_out_channels");
      } catch (RuntimeException e) {
        seen.add(err(e));
        allRefused = false;
      }
    }
    return (allRefused ? "OK | " : "BAD | ") + seen;
  }

  /** Why: guidance_scale NaN in the model's defaults silently turns guidance off. Test: HostileModelFilesTest.nonFiniteDefaultsAreRefused */
  static String case_nan_default_guidance() throws Exception {
    Path m = copy("sd15-tiny");
    Files.writeString(m.resolve("diffuse4j.json"), "{\"guidance_scale\": NaN}");
    try {
      return bad("loaded and drew: " + loadAndDraw(m));
    } catch (DiffusionException e) {
      return e.getMessage().contains("guidance_scale") ? ok(err(e)) : bad(err(e));
    }
  }

  /** Why: a deeply nested tokenizer.json gives an NPE inside the error path. Test: HostileModelFilesTest.malformedConfigAndTokenizerFiles... */
  static String case_tokenizer_nested() throws Exception {
    Path m = copy("sd15-tiny");
    Files.writeString(m.resolve("tokenizer/tokenizer.json"), "{\"model\": " + "[".repeat(20_000));
    try {
      return bad("loaded: " + loadAndDraw(m));
    } catch (DiffusionException e) {
      return e.getMessage().contains("tokenizer.json") ? ok(err(e)) : bad(err(e));
    } catch (Throwable e) {
      return bad(err(e));
    }
  }

  /** Why: num_train_timesteps 1e9 ends in OutOfMemoryError. Test: HostileSchedulerConfigTest.hugeNumTrainTimesteps... */
  static String case_timesteps_1e9() throws Exception {
    Path m = copy("sd15-tiny");
    Path sched = m.resolve("scheduler/scheduler_config.json");
    Files.writeString(sched, Files.readString(sched).replace("\"num_train_timesteps\": 1000", "\"num_train_timesteps\": 1e9"));
    try {
      return bad("drew: " + loadAndDraw(m));
    } catch (OutOfMemoryError e) {
      return bad(err(e));
    } catch (RuntimeException e) {
      return e.getMessage() != null && e.getMessage().contains("num_train_timesteps") ? ok(err(e)) : bad(err(e));
    }
  }

  /** Why: an emoji in the model path is reported as "not a valid ONNX model". Test: HostileCliInputTest.emojiInTheModelPathLoads */
  static String case_emoji_model_path() throws Exception {
    Path m = copy(models.resolve("sd15-tiny"), work.resolve("modèle 🐱"));
    try {
      return ok(loadAndDraw(m));
    } catch (RuntimeException e) {
      return bad(err(e));
    }
  }

  /** Why: an external-data location of ../ is read from outside the model folder. Test: ModelFileCheckTest.externalDataOutsideTheFolderIsRefused */
  static String case_external_data_outside() throws Exception {
    Path m = copy("sd15-tiny-external");
    Path unet = m.resolve("unet/model.onnx");
    byte[] model = Files.readAllBytes(unet);
    byte[] from = "model.onnx_data".getBytes(StandardCharsets.US_ASCII);
    byte[] to = "../outside/data".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + from.length <= model.length; i++) {
      if (Arrays.equals(model, i, i + from.length, from, 0, from.length)) {
        System.arraycopy(to, 0, model, i, to.length);
      }
    }
    Files.write(unet, model);
    Files.createDirectories(m.resolve("outside"));
    Files.move(m.resolve("unet/model.onnx_data"), m.resolve("outside/data"));
    try {
      return bad("read ../outside/data and drew: " + loadAndDraw(m));
    } catch (DiffusionException e) {
      return ok(err(e));
    }
  }

  /** Why: bit flips in weight bytes give another image and nothing lets a user verify a model. Test: ModelManifestTest.aBitFlippedWeightByteIsRefusedNamingTheFile */
  static String case_weight_flip_verify() throws Exception {
    Path m = copy("sd15-tiny");
    new ProcessBuilder("sh", "-c", "find . -type f ! -name SHA256SUMS -printf '%P\\0' | sort -z | xargs -0 sha256sum"
        + " > SHA256SUMS").directory(m.toFile()).start().waitFor();
    Path u = m.resolve("unet/model.onnx");
    byte[] b = Files.readAllBytes(u);
    b[(int) (b.length * 0.6)] ^= 1;
    Files.write(u, b);
    Diffusion.Builder builder = Diffusion.builder().model(m).warnings(w -> { });
    Method verify;
    try {
      verify = Diffusion.Builder.class.getMethod("verifyModel", boolean.class);
    } catch (NoSuchMethodException e) {
      return bad("no way to verify a model folder (no verifyModel/--verify); unverified: " + loadAndDraw(m));
    }
    verify.invoke(builder, true);
    try (DiffusionPipeline p = builder.load()) {
      return bad("loaded a flipped model with verification on");
    } catch (DiffusionException e) {
      return e.getMessage().contains("unet") ? ok(err(e)) : bad(err(e));
    }
  }

  // ---------------------------------------------------------------- requests and images

  /** Why: guidance 1e30 gives a one-colour image. Test: HostileRequestTest.nonFiniteAndHugeGuidanceAndEtaAreRefused */
  static String case_guidance_1e30() {
    try (DiffusionPipeline p = tiny()) {
      p.generate(small("x").guidanceScale(1e30).build());
      return bad("guidance 1e30 made an image without a word");
    } catch (RuntimeException e) {
      return ok(err(e));
    }
  }

  static String maskValue(String file) throws Exception {
    BufferedImage img;
    try {
      img = readLikeTheCli(images.resolve(file));
    } catch (Exception e) {
      return bad(file + " cannot be read: " + err(e));
    }
    if (img == null) {
      return bad(file + ": no reader");
    }
    float m = Images.maskToTensor(img, 16, 8).data()[2 * 16 + 2];
    int grey = Math.round(m * 255);
    return Math.abs(grey - 84) <= 3 ? ok(file + ": grey 84 read as " + grey) : bad(file + ": grey 84 read as " + grey);
  }

  /** Why: CMYK JPEGs are decoded with wrong colours. Test: ImageFilesTest.everyColourModelKeepsItsColours */
  static String case_image_cmyk() throws Exception {
    return maskValue("cmyk.jpg");
  }

  /** Why: grey+alpha PNGs: grey 84 read as 155. Test: ImageFilesTest.everyColourModelKeepsItsColours */
  static String case_image_grey_alpha() throws Exception {
    return maskValue("grey-alpha.png");
  }

  /** Why: a 20000x20000 PNG bomb (small file) is decoded in full. Test: ImageFilesTest.decompressionBombIsRefusedBeforeDecoding */
  static String case_png_bomb() throws Exception {
    Path bomb = work.resolve("bomb.png");
    int w = 20000;
    int h = 20000;
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(png);
    d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream hd = new DataOutputStream(ihdr);
    hd.writeInt(w);
    hd.writeInt(h);
    hd.write(new byte[] {8, 0, 0, 0, 0});
    chunk(d, "IHDR", ihdr.toByteArray());
    Deflater def = new Deflater(9);
    byte[] row = new byte[w + 1];
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    for (int y = 0; y < h; y++) {
      def.setInput(row);
      while (!def.needsInput()) {
        idat.write(buf, 0, def.deflate(buf));
      }
    }
    def.finish();
    while (!def.finished()) {
      idat.write(buf, 0, def.deflate(buf));
    }
    chunk(d, "IDAT", idat.toByteArray());
    chunk(d, "IEND", new byte[0]);
    Files.write(bomb, png.toByteArray());
    long t0 = System.nanoTime();
    try {
      BufferedImage img = readLikeTheCli(bomb);
      return bad("decoded in full: " + img.getWidth() + "x" + img.getHeight() + " from a " + Files.size(bomb)
          + "-byte file");
    } catch (OutOfMemoryError e) {
      return bad("decoded until " + err(e) + " (" + Files.size(bomb) + "-byte file)");
    } catch (Exception e) {
      return ok("refused in " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + err(e));
    }
  }

  static void chunk(DataOutputStream d, String type, byte[] data) throws Exception {
    d.writeInt(data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }

  /** Why: a mask of another aspect ratio is stretched without a warning. Test: HostileRequestTest.maskOfAnotherAspectRatioIsWarned */
  static String case_mask_aspect() {
    try (DiffusionPipeline p = tiny()) {
      GenerationResult r = p.generate(small("x").initImage(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB))
          .mask(new BufferedImage(128, 32, BufferedImage.TYPE_INT_RGB)).strength(0.5).build());
      return r.warnings().stream().anyMatch(w -> w.contains("mask")) ? ok("warned: " + cut(r.warnings().toString()))
          : bad("stretched without a warning " + r.warnings());
    }
  }

  /** Why: --scheduler unipc --steps 999 throws ArrayIndexOutOfBoundsException. Test: HostileSchedulerConfigTest.edgeStepCounts... */
  static String case_unipc_999() {
    try (DiffusionPipeline p = Diffusion.builder().warnings(w -> { }).load()) { // the bundled model, as ./diffuse
      try {
        p.generate(GenerationRequest.builder("x").steps(999).scheduler("unipc").build(),
            new ProgressListener() {
              @Override
              public void onStep(StepEvent e) {
                throw new IllegalStateException("reached-step-1");
              }
            }, () -> false);
        return ok("ran");
      } catch (RuntimeException e) {
        String all = err(e) + (e.getCause() == null ? "" : " / " + err(e.getCause()));
        return all.contains("reached-step-1") ? ok("timesteps set, the run reached step 1") : bad(all);
      }
    }
  }

  /** Why: 8192x8192 on the SD test model passes 10 GB in 29 s. Test: HostileRequestTest.enormousSizeIsRefusedAtOnceWithTheEstimate */
  static String case_size_8192() {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(3000);
        long rss = 0;
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (l.startsWith("VmRSS:")) {
            rss = Long.parseLong(l.replaceAll("\\D", "")) / 1024;
          }
        }
        System.out.println("CASE size_8192 | BAD | not refused: still running after 3 s, RSS " + rss + " MB (stopped)");
        System.out.flush();
        Runtime.getRuntime().halt(0);
      } catch (Exception e) {
        // ended
      }
    });
    watchdog.setDaemon(true);
    try (DiffusionPipeline p = tiny()) {
      long t0 = System.nanoTime();
      watchdog.start();
      try {
        p.generate(GenerationRequest.builder("x").steps(1).size(8192, 8192).scheduler("ddim").build());
        return bad("made an 8192x8192 image");
      } catch (RuntimeException e) {
        return ok("refused in " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + err(e));
      }
    }
  }

  /** Why: non-Latin-1 negative prompts and lone surrogates come back as '?'. Test: OutputFilesTest.everyTextRoundTripsExactly */
  static String case_text_roundtrip() throws Exception {
    String prompt = "lone \uD800 surrogate";
    String negative = "日本語 🐱 שלום";
    GeneratedImage img = anImage(prompt, negative);
    Path out = work.resolve("t.png");
    PngWriter.write(img, out);
    GenerationParameters back = PngWriter.readParameters(out);
    boolean same = prompt.equals(back.prompt()) && negative.equals(back.negativePrompt());
    return (same ? "OK | " : "BAD | ") + "read back prompt='" + back.prompt().replace("\uD800", "<D800>")
        + "' negative='" + back.negativePrompt() + "'";
  }

  /** Why: a 10 MB prompt takes 34 s and 1.7 GB, its dropped text stored three times. Test: HostileRequestTest.megabytePromptIsRefused... */
  static String case_huge_prompt() throws Exception {
    String prompt = "red ".repeat(1 << 18); // 1 MB
    long t0 = System.nanoTime();
    try (DiffusionPipeline p = tiny()) {
      GeneratedImage img = p.generate(small(prompt).build()).first();
      Path out = work.resolve("big.png");
      PngWriter.write(img, out);
      return bad("a 1 MB prompt was accepted (" + (System.nanoTime() - t0) / 1_000_000 + " ms), PNG "
          + Files.size(out) / 1024 + " KB");
    } catch (RuntimeException e) {
      return ok("refused in " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + err(e));
    }
  }

  /** Why: invalid UTF-8 in a prompt file gives an error without the file name. Test: HostileCliInputTest.promptFileWithInvalidUtf8... */
  static String case_prompt_file_utf8() throws Exception {
    Path prompts = work.resolve("prompts.txt");
    Files.write(prompts, new byte[] {'o', 'k', '\n', 'b', 'a', (byte) 0xC3, (byte) 0x28, '\n'});
    String[] r = cli("generate", "--model", models.resolve("sd15-tiny").toString(), "--steps", "1", "--prompt-file",
        prompts.toString(), "--output-dir", work.resolve("out").toString());
    boolean named = !r[0].equals("0") && r[2].contains("prompts.txt") && !r[2].contains("Exception");
    return (named ? "OK | " : "BAD | ") + "exit " + r[0] + ": " + cut(r[2])
        + (Files.exists(work.resolve("out/0002.png")) ? " (0002.png was written)" : "");
  }

  /** Why: a prompt-file line with a lone CR shifts the output numbering. Test: HostileCliInputTest.loneCarriageReturnDoesNotShiftNumbering */
  static String case_prompt_file_lone_cr() throws Exception {
    Path prompts = work.resolve("p.txt");
    Files.write(prompts, "first\rstill first\r\nsecond\nthird\n".getBytes(StandardCharsets.UTF_8));
    Path out = work.resolve("out");
    String[] r = cli("generate", "--model", models.resolve("sd15-tiny").toString(), "--steps", "1", "--prompt-file",
        prompts.toString(), "--output-dir", out.toString());
    if (!r[0].equals("0")) {
      return bad("exit " + r[0] + " " + cut(r[2]));
    }
    String second = PngWriter.readParameters(out.resolve("0002.png")).prompt();
    return second.equals("second") && !Files.exists(out.resolve("0004.png")) ? ok("0002.png is 'second'")
        : bad("0002.png is '" + second + "', 0004.png exists: " + Files.exists(out.resolve("0004.png")));
  }

  /** Signals a case that ends by returning from main (no halt). */
  static final class ExitNormally extends RuntimeException {
  }

}
