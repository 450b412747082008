package io.diffuse4j.djl;

import ai.djl.repository.zoo.ModelZoo;
import java.util.Set;

/**
 * diffuse4j's DJL model zoo, group {@value #GROUP_ID}: the bundled tiny model as artifact
 * {@value BundledModelLoader#ARTIFACT_ID}.
 *
 * <pre>{@code
 * Criteria<String, Image> c = Criteria.builder().setTypes(String.class, Image.class)
 *     .optGroupId("io.github.diffuse4j").optArtifactId("bundled").build();
 * }</pre>
 *
 * <p>Model folders (Stable Diffusion ONNX exports) are loaded with {@code optModelPath} instead, see
 * {@link DiffusionTranslatorFactory}. Creating the zoo opens nothing. Thread-safe.
 */
public final class DiffusionModelZoo extends ModelZoo {

  /** The zoo's group id. */
  public static final String GROUP_ID = "io.github.diffuse4j";

  DiffusionModelZoo() {
    addModel(new BundledModelLoader());
  }

  @Override
  public String getGroupId() {
    return GROUP_ID;
  }

  @Override
  public Set<String> getSupportedEngines() {
    return Set.of(DiffusionEngine.ENGINE_NAME);
  }
}
