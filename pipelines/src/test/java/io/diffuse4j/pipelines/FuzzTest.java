package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.pipelines.model.ModelFolder;
import io.diffuse4j.schedulers.SchedulerConfigJson;
import io.diffuse4j.schedulers.Schedulers;
import io.diffuse4j.textencoder.tokenizer.ClipTokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded, seeded fuzz of the readers that see untrusted model files (issue #13): random byte
 * flips, insertions and truncations of real files, each read must succeed or fail with a clean
 * exception (a {@link DiffusionException} or {@link IllegalArgumentException} with a message);
 * anything else, or a crashed JVM, is counted as a crash. ONNX files are loaded by ONNX Runtime in a
 * child JVM so a native crash is counted rather than ending the test run. Counts are printed.
 */
class FuzzTest {

  static final Path MODEL = Path.of("..", "test-models", "sd15-tiny").toAbsolutePath().normalize();
  static final long SEED = 13;

  /** Outcome counts of one fuzzed reader. */
  static final class Counts {
    final String what;
    int ok;
    int clean;
    final List<String> crashes = new ArrayList<>();

    Counts(String what) {
      this.what = what;
    }

    void run(String input, Runnable r) {
      try {
        r.run();
        ok++;
      } catch (DiffusionException | IllegalArgumentException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
          crashes.add(input + ": " + e.getClass().getName() + " without a message");
        } else {
          clean++;
        }
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
        crashes.add(input + ": " + e);
      }
    }

    void print() {
      System.out.printf("fuzz %-28s %4d inputs: %4d read, %4d clean errors, %d crashes%n", what,
          ok + clean + crashes.size(), ok, clean, crashes.size());
    }
  }

  static byte[] mutate(byte[] src, Random rnd) {
    byte[] b = src.clone();
    switch (rnd.nextInt(4)) {
      case 0 -> { // flips
        int n = 1 + rnd.nextInt(8);
        for (int i = 0; i < n && b.length > 0; i++) {
          b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
      }
      case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(Math.max(1, b.length)));
      case 2 -> { // a structural character somewhere
        byte[] junk = {'{', '}', '[', ']', '"', ',', ':', '\\', 0, (byte) 0xC3, (byte) 0xFF, '\n', '9', 'e'};
        if (b.length > 0) {
          b[rnd.nextInt(b.length)] = junk[rnd.nextInt(junk.length)];
        }
      }
      default -> { // a duplicated slice
        if (b.length > 2) {
          int from = rnd.nextInt(b.length - 1);
          int len = 1 + rnd.nextInt(Math.min(64, b.length - from));
          byte[] out = new byte[b.length + len];
          int at = rnd.nextInt(b.length);
          System.arraycopy(b, 0, out, 0, at);
          System.arraycopy(b, from, out, at, len);
          System.arraycopy(b, at, out, at + len, b.length - at);
          b = out;
        }
      }
    }
    return b;
  }

  static void fuzzFile(Path original, Path target, int count, Random rnd, Counts c, Consumer<Path> read)
      throws Exception {
    byte[] src = Files.readAllBytes(original);
    for (int i = 0; i < count; i++) {
      Files.write(target, mutate(src, rnd));
      c.run(original.getFileName() + " #" + i, () -> read.accept(target));
    }
  }

  @Test
  void configAndTokenizerReadersFailCleanly(@TempDir Path dir) throws Exception {
    Random rnd = new Random(SEED);
    Schedulers schedulers = Schedulers.builtIn();
    Counts sched = new Counts("scheduler_config.json");
    fuzzFile(MODEL.resolve("scheduler/scheduler_config.json"), dir.resolve("scheduler_config.json"), 300, rnd, sched,
        p -> {
          Scheduler s = schedulers.create(null, SchedulerConfigJson.parse(p));
          s.setTimesteps(1 + rnd.nextInt(60));
        });
    Path folder = Files.createDirectories(dir.resolve("model"));
    for (String part : new String[] {"text_encoder", "unet", "vae_decoder", "scheduler"}) {
      Files.createDirectories(folder.resolve(part));
    }
    for (String f : new String[] {"text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx",
        "scheduler/scheduler_config.json"}) {
      Files.copy(MODEL.resolve(f), folder.resolve(f));
    }
    HostileModelFilesTest.copyTree(MODEL.resolve("tokenizer"), folder.resolve("tokenizer"));
    Counts index = new Counts("model_index.json");
    fuzzFile(MODEL.resolve("model_index.json"), folder.resolve("model_index.json"), 200, rnd, index,
        p -> ModelFolder.inspect(folder));
    Files.copy(MODEL.resolve("model_index.json"), folder.resolve("model_index.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Counts tokenizer = new Counts("tokenizer.json");
    fuzzFile(MODEL.resolve("tokenizer/tokenizer.json"), folder.resolve("tokenizer/tokenizer.json"), 60, rnd,
        tokenizer, p -> ClipTokenizer.load(folder.resolve("tokenizer")).tokenize("a red circle"));
    Files.delete(folder.resolve("tokenizer/tokenizer.json"));
    Counts vocab = new Counts("vocab.json + merges.txt");
    fuzzFile(MODEL.resolve("tokenizer/vocab.json"), folder.resolve("tokenizer/vocab.json"), 40, rnd, vocab,
        p -> ClipTokenizer.load(folder.resolve("tokenizer")).tokenize("a red circle"));
    Files.copy(MODEL.resolve("tokenizer/vocab.json"), folder.resolve("tokenizer/vocab.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    fuzzFile(MODEL.resolve("tokenizer/merges.txt"), folder.resolve("tokenizer/merges.txt"), 40, rnd, vocab,
        p -> ClipTokenizer.load(folder.resolve("tokenizer")).tokenize("a red circle"));
    for (Counts c : List.of(sched, index, tokenizer, vocab)) {
      c.print();
    }
    for (Counts c : List.of(sched, index, tokenizer, vocab)) {
      assertThat(c.crashes).as(c.what).isEmpty();
      assertThat(c.clean).as(c.what + ": the fuzz reached the error paths").isPositive();
    }
  }

  /** Child JVM: loads each file named on the command line as an ONNX session and prints one outcome line each. */
  public static void main(String[] args) {
    io.diffuse4j.onnx.OnnxSessionFactory f = new io.diffuse4j.onnx.OnnxSessionFactory(
        io.diffuse4j.api.pipeline.RuntimeOptions.defaults(), w -> { });
    for (String a : args) {
      try (io.diffuse4j.onnx.OnnxModel m = f.open(Path.of(a), "text_encoder")) {
        System.out.println("OK " + a);
      } catch (DiffusionException e) {
        System.out.println((e.getMessage() == null || e.getMessage().isBlank() ? "BAD " : "CLEAN ") + a);
      } catch (RuntimeException | Error e) {
        System.out.println("BAD " + a + " " + e);
      }
      System.out.flush();
    }
  }

  @Test
  void onnxFilesWithFlipsAndTruncationsNeverCrashTheJvm(@TempDir Path dir) throws Exception {
    Random rnd = new Random(SEED);
    byte[] src = Files.readAllBytes(MODEL.resolve("text_encoder/model.onnx"));
    List<String> files = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Path p = dir.resolve(i + ".onnx");
      byte[] b = src.clone();
      if (i % 3 == 0) {
        b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
      } else {
        for (int k = 0; k < 1 + i % 7; k++) {
          b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
      }
      Files.write(p, b);
      files.add(p.toString());
    }
    int ok = 0;
    int clean = 0;
    List<String> crashes = new ArrayList<>();
    int next = 0;
    while (next < files.size()) {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-cp", System.getProperty("java.class.path"), FuzzTest.class.getName()));
      cmd.addAll(files.subList(next, files.size()));
      Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE)
          .start();
      int done = 0;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("OK ")) {
            ok++;
            done++;
          } else if (line.startsWith("CLEAN ")) {
            clean++;
            done++;
          } else if (line.startsWith("BAD ")) {
            crashes.add(line);
            done++;
          }
        }
      }
      boolean exited = proc.waitFor(120, TimeUnit.SECONDS);
      if (!exited) {
        proc.destroyForcibly();
      }
      next += done;
      if (next < files.size() && (!exited || proc.exitValue() != 0 || done == 0)) {
        crashes.add(files.get(next) + ": the JVM died (exit " + (exited ? proc.exitValue() : "timeout") + ")");
        next++;
      }
    }
    System.out.printf("fuzz %-28s %4d inputs: %4d loaded, %4d clean errors, %d crashes%n", "text_encoder/model.onnx",
        files.size(), ok, clean, crashes.size());
    assertThat(crashes).isEmpty();
    assertThat(clean).isPositive();
  }
}
