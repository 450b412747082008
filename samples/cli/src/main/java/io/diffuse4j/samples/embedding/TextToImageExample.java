package io.diffuse4j.samples.embedding;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.pipelines.Diffusion;
import io.diffuse4j.pipelines.image.PngWriter;
import java.nio.file.Path;

/**
 * The smallest embedding: load the bundled model, draw one prompt, write a PNG with its parameters.
 *
 * <pre>
 * java -cp "samples/target/diffuse4j-samples-0.1.0-SNAPSHOT.jar:$(cat samples/target/classpath.txt)" \
 *     io.diffuse4j.samples.embedding.TextToImageExample "a green triangle on a white background" out.png
 * </pre>
 */
public final class TextToImageExample {

  private TextToImageExample() {}

  /** Arguments: prompt, output file. */
  public static void main(String[] args) throws Exception {
    String prompt = args.length > 0 ? args[0] : "a red circle on a blue background";
    Path out = Path.of(args.length > 1 ? args[1] : "out.png");
    try (DiffusionPipeline sd = Diffusion.loadBundled()) {
      GenerationResult r = sd.generate(GenerationRequest.builder(prompt).seed(1).build());
      PngWriter.write(r.first(), out);
      System.out.println("wrote " + out + " in " + r.millis() + " ms");
    }
  }
}
