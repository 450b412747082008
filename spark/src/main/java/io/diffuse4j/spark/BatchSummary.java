package io.diffuse4j.spark;

/**
 * What one run of a batch did.
 *
 * @param run this run's id (the {@code run} column of its rows in the results table)
 * @param inputRows rows read
 * @param skipped rows left out: duplicates of another row's key, or (with resume) keys already done
 * @param generated rows that produced an image in this run
 * @param failed rows recorded with an error in this run
 * @param millis wall time of the run
 */
public record BatchSummary(String run, long inputRows, long skipped, long generated, long failed, long millis) {

  /** Images per second of wall time. */
  public double imagesPerSecond() {
    return millis == 0 ? 0 : generated * 1000.0 / millis;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "run %s: %d rows, %d skipped, %d generated, %d failed in %.1f s (%.2f images/s)",
        run, inputRows, skipped, generated, failed, millis / 1000.0, imagesPerSecond());
  }
}
