package io.diffuse4j.djl;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineProvider;

/**
 * Registers {@link DiffusionEngine} with DJL ({@code META-INF/services/ai.djl.engine.EngineProvider}).
 * DJL creates one instance; thread-safe.
 */
public final class DiffusionEngineProvider implements EngineProvider {

  private volatile Engine engine;

  /** Called by DJL's service loader. */
  public DiffusionEngineProvider() {}

  @Override
  public String getEngineName() {
    return DiffusionEngine.ENGINE_NAME;
  }

  @Override
  public int getEngineRank() {
    return DiffusionEngine.RANK;
  }

  @Override
  public Engine getEngine() {
    Engine e = engine;
    if (e == null) {
      synchronized (this) {
        if (engine == null) {
          engine = new DiffusionEngine();
        }
        e = engine;
      }
    }
    return e;
  }
}
