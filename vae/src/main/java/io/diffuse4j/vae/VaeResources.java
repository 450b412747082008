package io.diffuse4j.vae;

/** Closing what a VAE part holds, with checked exceptions rethrown unchecked. Stateless. */
final class VaeResources {

  private VaeResources() {}

  static void close(AutoCloseable resources) {
    try {
      resources.close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("Could not close " + resources + ": " + e.getMessage(), e);
    }
  }
}
