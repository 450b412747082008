package io.diffuse4j.spark;

import java.io.Serializable;

/**
 * Told on the executor after each row of a batch is done (its PNG written, when files are
 * written), e.g. for metrics or logging. An exception thrown here fails the task, which Spark then
 * retries like any failed task. Must be serializable; called from task threads concurrently.
 */
@FunctionalInterface
public interface RowListener extends Serializable {

  /**
   * A row finished.
   *
   * @param id the row's id
   * @param key its output key
   * @param error its error message, or null when it produced an image
   */
  void rowDone(String id, String key, String error);
}
