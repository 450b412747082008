package io.diffuse4j.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * How a batch runs. Immutable; shipped to the executors.
 *
 * @param model a model folder every executor can read (local or NFS path), or null for the bundled
 *     model (from the classpath, so it travels inside the job jar)
 * @param output the output folder (local or NFS path): {@code images/<key>.png} and the
 *     {@code results} Parquet table
 * @param writeImages whether to write the PNG files
 * @param tablePngs whether the results table carries the PNG bytes
 * @param resume whether to skip rows whose key the results table already holds
 * @param device {@code cpu}, {@code cuda[:N]}, or {@code auto}: the GPU Spark assigned to the task
 *     ({@code spark.task.resource.gpu.amount}), else the CPU
 * @param threads ONNX Runtime threads per operator; 0: the task's {@code spark.task.cpus}
 * @param listener told on the executors after each row, or null
 */
public record BatchOptions(String model, String output, boolean writeImages, boolean tablePngs, boolean resume,
    String device, int threads, RowListener listener) implements Serializable {

  /** Checks the options. */
  public BatchOptions {
    Objects.requireNonNull(output, "output");
    device = device == null ? "auto" : device;
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0, got " + threads);
    }
    if (!writeImages && !tablePngs) {
      throw new IllegalArgumentException("nothing would keep the images: write PNG files, or put them in the table");
    }
  }

  /** Defaults: bundled model, PNG files and a table without PNG bytes, no resume, auto device. */
  public static BatchOptions to(String output) {
    return new BatchOptions(null, output, true, false, false, "auto", 0, null);
  }

  /** A copy reading {@code modelDir} (null: the bundled model). */
  public BatchOptions withModel(String modelDir) {
    return new BatchOptions(modelDir, output, writeImages, tablePngs, resume, device, threads, listener);
  }

  /** A copy with {@code resume} set. */
  public BatchOptions withResume(boolean on) {
    return new BatchOptions(model, output, writeImages, tablePngs, on, device, threads, listener);
  }

  /** A copy that writes PNG files or not, and keeps PNG bytes in the table or not. */
  public BatchOptions withImages(boolean files, boolean inTable) {
    return new BatchOptions(model, output, files, inTable, resume, device, threads, listener);
  }

  /** A copy on {@code deviceName} ({@code cpu}, {@code cuda:N}, {@code auto}). */
  public BatchOptions withDevice(String deviceName) {
    return new BatchOptions(model, output, writeImages, tablePngs, resume, deviceName, threads, listener);
  }

  /** A copy that tells {@code l} about every finished row (null: nobody). */
  public BatchOptions withListener(RowListener l) {
    return new BatchOptions(model, output, writeImages, tablePngs, resume, device, threads, l);
  }

  /** A copy with {@code n} ONNX Runtime threads per operator (0: {@code spark.task.cpus}). */
  public BatchOptions withThreads(int n) {
    return new BatchOptions(model, output, writeImages, tablePngs, resume, device, n, listener);
  }
}
