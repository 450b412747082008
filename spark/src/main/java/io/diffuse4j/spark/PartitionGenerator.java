package io.diffuse4j.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationCancelledException;
import io.diffuse4j.pipelines.image.PngWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Generates the rows of one partition with the executor JVM's shared pipeline. A row whose values
 * cannot be used gets its error in the results; anything else (model files, runtime) fails the
 * task, which Spark retries. The PNG of a key is written through a temporary file and renamed, so
 * retries and speculative copies leave one complete file per key.
 */
final class PartitionGenerator implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BatchOptions options;
  private final String run;

  PartitionGenerator(BatchOptions options, String run) {
    this.options = options;
    this.run = run;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    TaskContext task = TaskContext.get();
    int threads = options.threads() > 0 ? options.threads() : task == null ? 0 : task.cpus();
    String device = device(task);
    int attempt = task == null ? 0 : task.attemptNumber();
    String executor = SparkEnv.get() == null ? null : SparkEnv.get().executorId();
    Path images = Path.of(options.output(), "images");
    return new Iterator<>() {
      private DiffusionPipeline pipeline;

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row row = rows.next();
        String key = row.getString(row.fieldIndex(BatchSchema.KEY));
        String id = row.isNullAt(row.fieldIndex(BatchSchema.ID)) ? null : row.getAs(BatchSchema.ID).toString();
        long t0 = System.nanoTime();
        BatchItem item;
        GeneratedImage image;
        try {
          item = BatchItem.from(row);
          var request = item.toRequest();
          if (pipeline == null) {
            pipeline = ExecutorPipelines.get(options.model(), device, threads);
          }
          image = pipeline.generate(request).first();
        } catch (GenerationCancelledException e) {
          throw e;
        } catch (DiffusionException | IllegalArgumentException e) {
          tell(id, key, e.getMessage());
          return RowFactory.create(id, key, null, null, null, null, millis(t0), e.getMessage(), attempt, executor, run);
        }
        byte[] png = encode(image);
        String file = null;
        if (options.writeImages()) {
          writeAtomically(images, key + ".png", png);
          file = "images/" + key + ".png";
        }
        tell(id, key, null);
        return RowFactory.create(id, key, file, options.tablePngs() ? png : null, item.effectiveSeed(),
            parameters(image), millis(t0), null, attempt, executor, run);
      }
    };
  }

  private void tell(String id, String key, String error) {
    if (options.listener() != null) {
      options.listener().rowDone(id, key, error);
    }
  }

  private String device(TaskContext task) {
    if (!"auto".equals(options.device())) {
      return options.device();
    }
    if (task != null) {
      ResourceInformation gpu = task.resourcesJMap().get("gpu");
      if (gpu != null && gpu.addresses().length > 0) {
        return "cuda:" + gpu.addresses()[0];
      }
    }
    return "cpu";
  }

  private static long millis(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static byte[] encode(GeneratedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
      PngWriter.write(image, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode a PNG", e);
    }
  }

  private static String parameters(GeneratedImage image) {
    try {
      return JSON.writeValueAsString(PngWriter.toText(image.parameters()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code name} in {@code dir} through a fresh temporary file renamed over it. */
  static void writeAtomically(Path dir, String name, byte[] data) {
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + name + ".", ".tmp");
      try {
        Files.write(tmp, data);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + dir.resolve(name) + ": " + e.getMessage(), e);
    }
  }
}
