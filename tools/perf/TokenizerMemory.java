import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.diffuse4j.textencoder.tokenizer.ClipTokenizerFiles;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The resident memory the Hugging Face CLIP tokenizer costs a JVM (docs/PERFORMANCE.md, "what the pipeline
 * adds to the floor"): RSS and its peak after writing the tokenizer.json of a vocab.json + merges.txt
 * folder, after a first DJL tokenizer (library loaded) and after a second one. Run in a fresh JVM with the
 * CLI's class path:
 *
 * <pre>
 * CP="samples/cli/target/diffuse4j-cli-0.1.0-SNAPSHOT.jar:$(cat samples/cli/target/classpath.txt)"
 * java -Dai.djl.offline=true -cp "$CP" tools/perf/TokenizerMemory.java target/sd15-shaped/onnx/tokenizer
 * </pre>
 */
public class TokenizerMemory {
  static String rss() throws Exception {
    String r = "";
    String h = "";
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmRSS")) {
        r = l.substring(6).trim();
      }
      if (l.startsWith("VmHWM")) {
        h = l.substring(6).trim();
      }
    }
    return "RSS " + r + ", peak " + h;
  }

  public static void main(String[] a) throws Exception {
    Path dir = Path.of(a[0]);
    Path json = Files.createTempFile("tokenizer", ".json");
    try {
      ClipTokenizerFiles.writeTokenizerJson(dir.resolve("vocab.json"), dir.resolve("merges.txt"), json);
      System.gc();
      System.out.println("tokenizer.json written (" + Files.size(json) + " bytes): " + rss());
      byte[] b = Files.readAllBytes(json);
      try (HuggingFaceTokenizer first = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(b), Map.of())) {
        System.out.println("first DJL tokenizer (library loaded): " + rss());
        try (HuggingFaceTokenizer second = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(b), Map.of())) {
          System.out.println("second DJL tokenizer: " + rss());
        }
      }
    } finally {
      Files.deleteIfExists(json);
    }
  }
}
