package io.diffuse4j.djl;

import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooProvider;

/**
 * Registers {@link DiffusionModelZoo} with DJL ({@code META-INF/services/ai.djl.repository.zoo.ZooProvider}).
 * Thread-safe.
 */
public final class DiffusionZooProvider implements ZooProvider {

  /** Called by DJL's service loader. */
  public DiffusionZooProvider() {}

  @Override
  public ModelZoo getModelZoo() {
    return new DiffusionModelZoo();
  }
}
