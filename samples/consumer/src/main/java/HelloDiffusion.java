import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.pipelines.Diffusion;
import io.diffuse4j.pipelines.image.OutputFiles.IfExists;
import io.diffuse4j.pipelines.image.PngWriter;
import java.io.IOException;
import java.nio.file.Path;

public class HelloDiffusion {
  public static void main(String[] args) throws IOException {
    try (DiffusionPipeline sd = Diffusion.loadBundled()) {  // or Diffusion.load(Path.of("sd15-onnx"))
      GenerationRequest request = GenerationRequest.builder("a small red circle on a blue background at the left")
          .steps(20).guidanceScale(7.5).seed(42)              // leave any out for the model's default (random seed)
          .build();
      GeneratedImage image = sd.generate(request).first();
      PngWriter.write(image, Path.of("out.png"), IfExists.REPLACE);  // the PNG carries prompt, seed, steps, ...
      System.out.println("out.png: " + image.image().getWidth() + "x" + image.image().getHeight()
          + ", seed " + image.parameters().seed());
    }
  }
}
