package io.diffuse4j.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.inference.Predictor;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.pipelines.Diffusion;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL Serving model folders load the way DJL Serving loads them: a {@code Criteria} for
 * {@code Input → Output} with the folder's URL and nothing else; engine, translator factory, options and
 * defaults come from the folder's {@code serving.properties}.
 */
class ServingFolderTest {

  private static Output serve(Path folder, String body) throws Exception {
    Criteria<Input, Output> criteria = Criteria.builder().setTypes(Input.class, Output.class)
        .optModelUrls(folder.toUri().toURL().toString()).build();
    try (ZooModel<Input, Output> model = criteria.loadModel(); Predictor<Input, Output> p = model.newPredictor()) {
      Input in = new Input();
      in.add(body);
      return p.predict(in);
    }
  }

  private static BufferedImage png(Output out) throws IOException {
    assertThat(out.getProperty("Content-Type", null)).isEqualTo("image/png");
    return ImageIO.read(new ByteArrayInputStream(out.getData().getAsBytes()));
  }

  @Test
  void exampleFolderServesTheBundledModel() throws Exception {
    Output out = serve(Path.of("serving", "bundled").toAbsolutePath(), "a red circle on a blue background");
    BufferedImage direct;
    try (DiffusionPipeline sd = Diffusion.builder().warnings(w -> { }).load()) {
      // serving.properties: steps=8, scheduler=ddim, seed=0
      direct = sd.generate(GenerationRequest.builder("a red circle on a blue background").steps(8).scheduler("ddim")
          .seed(0).build()).first().image();
    }
    assertThat(Fixtures.varied(direct)).isTrue();
    assertThat(Fixtures.maxChannelDiff(png(out), direct)).isZero();
  }

  @Test
  void sdExportWithServingPropertiesAnswersJsonRequests(@TempDir Path tmp) throws Exception {
    Path src = Fixtures.testModel("sd15-tiny");
    Path folder = tmp.resolve("sd15-tiny");
    try (Stream<Path> files = Files.walk(src)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = folder.resolve(src.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    Files.writeString(folder.resolve("serving.properties"),
        "engine=Diffuse4j\ntranslatorFactory=io.diffuse4j.djl.DiffusionTranslatorFactory\nsteps=2\n");
    Output out = serve(folder, "{\"prompt\": \"a blue square\", \"seed\": 5, \"num_inference_steps\": 3,"
        + " \"scheduler\": \"euler\", \"width\": 48, \"height\": 64}");
    BufferedImage direct;
    try (DiffusionPipeline sd = Diffusion.builder().model(src).warnings(w -> { }).load()) {
      direct = sd.generate(GenerationRequest.builder("a blue square").seed(5).steps(3).scheduler("euler").size(48, 64)
          .build()).first().image();
    }
    BufferedImage served = png(out);
    assertThat(served.getWidth()).isEqualTo(48);
    assertThat(Fixtures.maxChannelDiff(served, direct)).isZero();
  }
}
