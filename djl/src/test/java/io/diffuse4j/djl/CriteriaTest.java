package io.diffuse4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.StepEvent;
import io.diffuse4j.pipelines.Diffusion;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Models loaded with DJL's Criteria only (no diffuse4j classes but the request and result types, and
 * the progress listener) give the direct API's images.
 */
class CriteriaTest {

  private static final String FACTORY = "io.diffuse4j.djl.DiffusionTranslatorFactory";

  @Test
  void bundledModelFromTheZooGivesTheDirectApisImage() throws Exception {
    Criteria<String, Image> criteria = Criteria.builder().setTypes(String.class, Image.class)
        .optGroupId("io.github.diffuse4j").optArtifactId("bundled")
        .optArgument("seed", 7).optArgument("steps", 6).optArgument("scheduler", "euler").build();
    BufferedImage viaDjl;
    try (ZooModel<String, Image> model = criteria.loadModel(); Predictor<String, Image> p = model.newPredictor()) {
      viaDjl = (BufferedImage) p.predict("a red circle on a blue background").getWrappedImage();
    }
    BufferedImage direct;
    try (DiffusionPipeline sd = Diffusion.builder().warnings(w -> { }).load()) {
      direct = sd.generate(GenerationRequest.builder("a red circle on a blue background").seed(7).steps(6)
          .scheduler("euler").build()).first().image();
    }
    assertThat(Fixtures.varied(direct)).isTrue();
    assertThat(Fixtures.maxChannelDiff(viaDjl, direct)).isZero();
  }

  @Test
  void sdFolderWithRequestsBatchesAndProgress() throws Exception {
    Path dir = Fixtures.testModel("sd15-tiny");
    List<StepEvent> steps = new CopyOnWriteArrayList<>();
    ProgressListener listener = steps::add;
    Criteria<GenerationRequest, GenerationResult> criteria = Criteria.builder()
        .setTypes(GenerationRequest.class, GenerationResult.class)
        .optModelPath(dir).optEngine("Diffuse4j").optArgument("translatorFactory", FACTORY)
        .optArgument("steps", "3").optArgument("scheduler", "ddim").optArgument("guidance", 5.0).optArgument("size", "64x48")
        .optArgument("progress", listener).build();
    GenerationRequest a = GenerationRequest.builder("a red circle").seed(1).build();
    GenerationRequest b = GenerationRequest.builder("a blue square").seed(2).steps(2).build();
    List<GenerationResult> batch;
    GenerationResult single;
    try (ZooModel<GenerationRequest, GenerationResult> model = criteria.loadModel();
        Predictor<GenerationRequest, GenerationResult> p = model.newPredictor()) {
      single = p.predict(a);
      assertThat(steps).hasSize(3);
      batch = p.batchPredict(List.of(a, b));
    }
    assertThat(steps).hasSize(3 + 3 + 2);
    try (DiffusionPipeline sd = Diffusion.builder().model(dir).warnings(w -> { }).load()) {
      BufferedImage da = sd.generate(a.toBuilder().steps(3).scheduler("ddim").guidanceScale(5.0).size(64, 48).build()).first().image();
      BufferedImage db = sd.generate(b.toBuilder().scheduler("ddim").guidanceScale(5.0).size(64, 48).build()).first().image();
      assertThat(da.getWidth()).isEqualTo(64);
      assertThat(da.getHeight()).isEqualTo(48);
      assertThat(Fixtures.varied(da)).isTrue();
      assertThat(Fixtures.maxChannelDiff(single.first().image(), da)).isZero();
      assertThat(batch).hasSize(2);
      assertThat(Fixtures.maxChannelDiff(batch.get(0).first().image(), da)).isZero();
      assertThat(Fixtures.maxChannelDiff(batch.get(1).first().image(), db)).isZero();
      assertThat(Fixtures.maxChannelDiff(da, db)).isPositive();
    }
  }

  @Test
  void folderWithoutAModelIsRefusedNamingTheFix(@org.junit.jupiter.api.io.TempDir Path empty) {
    Criteria<String, Image> criteria = Criteria.builder().setTypes(String.class, Image.class)
        .optModelPath(empty).optEngine("Diffuse4j").optArgument("translatorFactory", FACTORY).build();
    assertThatThrownBy(criteria::loadModel).hasMessageContaining("model_index.json")
        .hasMessageContaining(empty.toString());
  }
}
