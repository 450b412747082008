package io.diffuse4j.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.util.passthrough.PassthroughNDManager;

/**
 * The DJL {@link Engine} named {@value #ENGINE_NAME} whose models are diffuse4j pipelines: a
 * {@code Criteria} with {@code optEngine("Diffuse4j")} (or {@code engine=Diffuse4j} in a model folder's
 * {@code serving.properties}) makes DJL create a {@link DiffusionModel} for the folder. Its NDArrays are
 * DJL's pass-through arrays: the work happens in diffuse4j, not in DJL operators. Ranked low (after every
 * DJL engine) so that it never becomes DJL's default engine.
 *
 * <p>Registered through {@code META-INF/services/ai.djl.engine.EngineProvider}; users never create it.
 * Stateless and thread-safe.
 */
public final class DiffusionEngine extends Engine {

  /** The engine name to give {@code Criteria.optEngine} or {@code serving.properties}. */
  public static final String ENGINE_NAME = "Diffuse4j";
  static final int RANK = 20;

  DiffusionEngine() {}

  @Override
  public Engine getAlternativeEngine() {
    return null;
  }

  @Override
  public String getEngineName() {
    return ENGINE_NAME;
  }

  @Override
  public int getRank() {
    return RANK;
  }

  @Override
  public String getVersion() {
    String v = DiffusionEngine.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }

  @Override
  public boolean hasCapability(String capability) {
    return false;
  }

  @Override
  public Model newModel(String name, Device device) {
    return new DiffusionModel(name, device, this);
  }

  @Override
  public NDManager newBaseManager() {
    return newBaseManager(null);
  }

  @Override
  public NDManager newBaseManager(Device device) {
    return new PassthroughNDManager(this, device);
  }
}
