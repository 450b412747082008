import io.diffuse4j.textencoder.tokenizer.ClipTokenizer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Times {@code ClipTokenizer.load} of a tokenizer folder N times in this JVM (the first one cold) and
 * prints the first ids of a prompt, for docs/PERFORMANCE.md's load section. Run it in a fresh JVM with
 * the CLI's class path, under /usr/bin/time for the CPU:
 *
 * <pre>
 * CP="samples/cli/target/diffuse4j-cli-0.1.0-SNAPSHOT.jar:$(cat samples/cli/target/classpath.txt)"
 * /usr/bin/time -f "%U+%S s CPU" java -cp "$CP" tools/perf/TokenizerLoad.java target/sd15-shaped/onnx/tokenizer 1
 * </pre>
 */
public class TokenizerLoad {
  public static void main(String[] a) throws Exception {
    int n = a.length > 1 ? Integer.parseInt(a[1]) : 1;
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      try (ClipTokenizer tk = ClipTokenizer.load(Path.of(a[0]))) {
        long ms = (System.nanoTime() - t) / 1_000_000;
        int[] ids = tk.tokenize("a photograph of an astronaut riding a horse").ids();
        System.out.printf("ClipTokenizer.load %d ms, ids %s...%n", ms, Arrays.toString(Arrays.copyOf(ids, 10)));
      }
    }
  }
}
