package io.diffuse4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./diffuse batch}: runs a batch in this JVM on a local Spark master (or the master given).
 * On a cluster, submit {@link #main} with {@code spark-submit} instead (docs/spark.md).
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
    description = "Generate every row of a CSV, JSON-lines or Parquet input on Apache Spark: "
        + "OUTPUT/images/<key>.png and the Parquet table OUTPUT/results.")
public final class BatchCommand implements Callable<Integer> {

  @Option(names = "--input", required = true, description = "Rows to generate (.csv with a header, .json/.jsonl, or Parquet).")
  Path input;

  @Option(names = "--output", required = true, description = "Output folder (images/ and results/).")
  Path output;

  @Option(names = "--master", description = "Spark master (default: local[*], or what spark-submit set).")
  String master;

  @Option(names = "--model", description = "Model folder every executor can read (default: the bundled model).")
  Path model;

  @Option(names = "--resume", description = "Skip rows whose key the results table already holds.")
  boolean resume;

  @Option(names = "--device", defaultValue = "auto",
      description = "cpu, cuda[:N], or auto (the GPU Spark assigned to the task, else the CPU). Default: ${DEFAULT-VALUE}.")
  String device;

  @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads per task (0: spark.task.cpus).")
  int threads;

  @Option(names = "--table-pngs", description = "Also store the PNG bytes in the results table.")
  boolean tablePngs;

  @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting (repeatable), as spark-submit --conf.")
  java.util.Map<String, String> conf = new java.util.LinkedHashMap<>();

  @Option(names = "--no-images", description = "Write no PNG files (implies --table-pngs).")
  boolean noImages;

  /** What the last {@link #call()} did (null before, or when it failed). */
  BatchSummary summary;

  /** Entry point for {@code ./diffuse batch} and {@code spark-submit}. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BatchCommand()).execute(args));
  }

  @Override
  public Integer call() {
    if (!Files.exists(input)) {
      System.err.println("error: --input " + input + " does not exist");
      return 2;
    }
    if (model != null && !Files.isDirectory(model)) {
      System.err.println("error: --model " + model + " is not a folder");
      return 2;
    }
    if (Files.exists(output) && !Files.isDirectory(output)) {
      System.err.println("error: --output " + output + " exists and is not a folder");
      return 2;
    }
    SparkSession.Builder b = SparkSession.builder().appName("diffuse4j-batch");
    if (master != null) {
      b.master(master);
    } else if (!SparkSession.getActiveSession().isDefined() && System.getProperty("spark.master") == null) {
      b.master("local[*]").config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false");
    }
    conf.forEach(b::config);
    SparkSession spark = b.getOrCreate();
    try {
      BatchOptions options = BatchOptions.to(output.toAbsolutePath().toString())
          .withModel(model == null ? null : model.toAbsolutePath().toString())
          .withResume(resume).withImages(!noImages, tablePngs || noImages).withDevice(device).withThreads(threads);
      summary = DiffusionBatch.run(DiffusionBatch.read(spark, input.toString()), options);
      System.err.println(summary);
      System.out.println(output.resolve("results"));
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    } finally {
      ExecutorPipelines.closeAll();
      spark.stop();
    }
  }
}
