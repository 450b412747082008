package io.diffuse4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Batch generation on Spark: every input row becomes one PNG and one row of a results table.
 *
 * <pre>{@code
 * SparkSession spark = SparkSession.builder().master("local[*]").getOrCreate();
 * Dataset<Row> input = DiffusionBatch.read(spark, "prompts.csv");
 * BatchSummary s = DiffusionBatch.run(input, BatchOptions.to("out").withResume(true));
 * }</pre>
 *
 * <p>Each row gets a key (its id plus a hash of its parameters, {@link BatchItem#key()}); rows
 * with equal keys are generated once, a retried or speculative task rewrites the same
 * {@code images/<key>.png}, and the results table ({@code <output>/results}, Parquet, schema
 * {@link BatchSchema#RESULTS}) is written through Spark's own committer, so each key appears once
 * per run. With {@code resume}, keys the table already holds (done or failed) are skipped. A row
 * with a bad value is recorded with its error; the job goes on.
 *
 * <p>Each executor JVM loads one pipeline and shares it across its tasks
 * ({@link ExecutorPipelines}); ONNX Runtime gets {@code spark.task.cpus} threads per task. Static
 * methods only; thread-safe as Spark is.
 */
public final class DiffusionBatch {

  private DiffusionBatch() {}

  /**
   * Reads an input file or folder by its extension: {@code .csv} (with a header line),
   * {@code .json}/{@code .jsonl}/{@code .ndjson} (JSON lines), otherwise Parquet.
   */
  public static Dataset<Row> read(SparkSession spark, String path) {
    String lower = path.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv")) {
      return spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"").csv(path);
    }
    if (lower.endsWith(".json") || lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
      return spark.read().json(path);
    }
    return spark.read().parquet(path);
  }

  /** Runs the batch on {@code input}'s session and returns what it did. */
  public static BatchSummary run(Dataset<Row> input, BatchOptions options) {
    long t0 = System.currentTimeMillis();
    SparkSession spark = input.sparkSession();
    List<String> missing = new ArrayList<>();
    for (String required : List.of(BatchSchema.ID, BatchSchema.PROMPT)) {
      if (!Arrays.asList(input.columns()).contains(required)) {
        missing.add(required);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("the input lacks the column(s) " + missing + "; it has "
          + Arrays.toString(input.columns()));
    }
    String run = Instant.now().toString().replace(':', '-') + "-" + UUID.randomUUID().toString().substring(0, 8);
    String table = Path.of(options.output(), "results").toString();

    StructType keyed = input.schema().add(BatchSchema.KEY, DataTypes.StringType, false);
    Dataset<Row> rows = input.map((MapFunction<Row, Row>) r -> {
      Object[] values = new Object[r.size() + 1];
      for (int i = 0; i < r.size(); i++) {
        values[i] = r.get(i);
      }
      values[r.size()] = BatchItem.keyOf(r);
      return RowFactory.create(values);
    }, Encoders.row(keyed)).dropDuplicates(BatchSchema.KEY);
    if (options.resume() && Files.isDirectory(Path.of(table))) {
      Dataset<Row> done = spark.read().parquet(table).select(BatchSchema.KEY).distinct();
      rows = rows.join(done, rows.col(BatchSchema.KEY).equalTo(done.col(BatchSchema.KEY)), "left_anti");
    }
    // twice as many partitions as task slots, so that a slow partition does not hold the job; hashed
    // on an expression of its own so that neither the optimiser (which would reuse the shuffle of
    // dropDuplicates) nor adaptive execution (which coalesces that shuffle for small inputs) folds
    // the generation into a few tasks
    int partitions = Math.max(1, spark.sparkContext().defaultParallelism() * 2);
    rows = rows.repartition(partitions, functions.xxhash64(rows.col(BatchSchema.KEY)));
    Dataset<Row> results = rows.mapPartitions(new PartitionGenerator(options, run), Encoders.row(BatchSchema.RESULTS));
    results.write().mode(SaveMode.Append).parquet(table);

    Dataset<Row> mine = spark.read().parquet(table).where(functions.col(BatchSchema.RUN).equalTo(run));
    long failed = mine.where(functions.col(BatchSchema.ERROR).isNotNull()).count();
    long written = mine.count();
    long inputRows = input.count();
    return new BatchSummary(run, inputRows, inputRows - written, written - failed, failed,
        System.currentTimeMillis() - t0);
  }
}
