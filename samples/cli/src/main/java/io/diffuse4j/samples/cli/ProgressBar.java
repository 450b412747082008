package io.diffuse4j.samples.cli;

import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.StepEvent;
import java.io.PrintWriter;

/** A one-line progress bar on stderr. Not thread-safe: one per run. */
final class ProgressBar implements ProgressListener {

  private final PrintWriter err;
  private final String label;
  private final long start = System.nanoTime();

  ProgressBar(PrintWriter err, String label) {
    this.err = err;
    this.label = label;
  }

  @Override
  public void onStep(StepEvent e) {
    int width = 30;
    int done = (e.step() + 1) * width / e.totalSteps();
    double secs = (System.nanoTime() - start) / 1e9;
    err.print("\r" + label + " [" + "#".repeat(done) + ".".repeat(width - done) + "] " + (e.step() + 1) + "/"
        + e.totalSteps() + String.format(" %.1fs", secs));
    if (e.step() + 1 == e.totalSteps()) {
      err.println();
    }
    err.flush();
  }

  @Override
  public void onWarning(String message) {
    err.println("warning: " + message);
    err.flush();
  }
}
