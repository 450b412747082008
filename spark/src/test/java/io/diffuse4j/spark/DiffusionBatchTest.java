package io.diffuse4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.pipelines.Diffusion;
import io.diffuse4j.pipelines.image.PngWriter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch job in local[2] with up to 3 attempts per task, on the bundled model. */
class DiffusionBatchTest {

  static SparkSession spark;
  static DiffusionPipeline direct;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2,3]").appName("diffuse4j-test")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    direct = Diffusion.loadBundled();
  }

  @AfterAll
  static void stop() {
    ExecutorPipelines.closeAll();
    direct.close();
    spark.stop();
  }

  static final String[] PROMPTS = {"a red circle on a blue background", "a small green square at the top left",
      "a big yellow triangle on a black background", "a white circle at the bottom right on a purple background",
      "a blue square in the middle on an orange background", "a tiny red triangle at the top on a green background"};

  private Path csv(int rows, String extraRow) throws IOException {
    StringBuilder sb = new StringBuilder("id,prompt,negative_prompt,seed,steps,guidance,width,height,scheduler\n");
    for (int i = 0; i < rows; i++) {
      sb.append("r").append(i).append(",\"").append(PROMPTS[i % PROMPTS.length]).append("\",,")
          .append(100 + i).append(",4,3,64,64,").append(i % 2 == 0 ? "ddim" : "euler").append('\n');
    }
    if (extraRow != null) {
      sb.append(extraRow).append('\n');
    }
    Path f = tmp.resolve("prompts.csv");
    Files.writeString(f, sb.toString(), StandardCharsets.UTF_8);
    return f;
  }

  private static Map<String, Row> byId(Dataset<Row> results) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : results.collectAsList()) {
      assertThat(m.put(r.getAs(BatchSchema.ID), r)).as("row %s appears once", (Object) r.getAs(BatchSchema.ID)).isNull();
    }
    return m;
  }

  static int maxDiff(BufferedImage a, BufferedImage b) {
    assertThat(a.getWidth()).isEqualTo(b.getWidth());
    assertThat(a.getHeight()).isEqualTo(b.getHeight());
    int max = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int s = 0; s < 24; s += 8) {
          max = Math.max(max, Math.abs(((p >> s) & 255) - ((q >> s) & 255)));
        }
      }
    }
    return max;
  }

  @Test
  void writesOnePngAndOneResultPerRowEqualToSingleMachineGeneration() throws IOException {
    Path out = tmp.resolve("out");
    BatchSummary s = DiffusionBatch.run(DiffusionBatch.read(spark, csv(6, null).toString()),
        BatchOptions.to(out.toString()));
    assertThat(s.generated()).isEqualTo(6);
    assertThat(s.failed()).isZero();
    Map<String, Row> rows = byId(spark.read().parquet(out.resolve("results").toString()));
    assertThat(rows).hasSize(6);
    try (Stream<Path> pngs = Files.list(out.resolve("images"))) {
      assertThat(pngs.filter(p -> p.toString().endsWith(".png")).count()).isEqualTo(6);
    }
    for (int i = 0; i < 6; i++) {
      Row r = rows.get("r" + i);
      assertThat(r.<String>getAs(BatchSchema.ERROR)).isNull();
      assertThat(r.<Long>getAs(BatchSchema.SEED)).isEqualTo(100L + i);
      BufferedImage batch = ImageIO.read(out.resolve(r.<String>getAs(BatchSchema.FILE)).toFile());
      BufferedImage single = direct.generate(GenerationRequest.builder(PROMPTS[i]).seed(100 + i).steps(4)
          .guidanceScale(3.0).size(64, 64).scheduler(i % 2 == 0 ? "ddim" : "euler").build()).first().image();
      assertThat(maxDiff(batch, single)).as("row r%d against a direct generate", i).isLessThanOrEqualTo(1);
      assertThat(PngWriter.readParameters(out.resolve(r.<String>getAs(BatchSchema.FILE))).seed()).isEqualTo(100L + i);
    }
  }

  @Test
  void aBadRowIsRecordedWithItsErrorAndTheJobGoesOn() throws IOException {
    Path out = tmp.resolve("out");
    BatchSummary s = DiffusionBatch.run(DiffusionBatch.read(spark,
        csv(3, "bad,\"a red circle\",,7,4,3,65,64,ddim\nworse,\"a red circle\",,seven,4,3,64,64,ddim").toString()),
        BatchOptions.to(out.toString()));
    assertThat(s.generated()).isEqualTo(3);
    assertThat(s.failed()).isEqualTo(2);
    Map<String, Row> rows = byId(spark.read().parquet(out.resolve("results").toString()));
    assertThat(rows.get("bad").<String>getAs(BatchSchema.ERROR)).contains("65");
    assertThat(rows.get("worse").<String>getAs(BatchSchema.ERROR)).contains("seed").contains("seven");
    assertThat(rows.get("bad").<String>getAs(BatchSchema.FILE)).isNull();
    assertThat(rows.get("r2").<String>getAs(BatchSchema.ERROR)).isNull();
  }

  @Test
  void aTaskThatFailsMidwayIsRetriedAndEveryRowAppearsExactlyOnce() throws IOException {
    Path out = tmp.resolve("out");
    Path marker = tmp.resolve("failed-once");
    String markerPath = marker.toString();
    RowListener failOnce = (id, key, error) -> {
      if ("r4".equals(id)) {
        try {
          Files.createFile(Path.of(markerPath));
        } catch (java.nio.file.FileAlreadyExistsException e) {
          return;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("injected failure after row r4");
      }
    };
    BatchSummary s = DiffusionBatch.run(DiffusionBatch.read(spark, csv(12, null).toString()),
        BatchOptions.to(out.toString()).withListener(failOnce));
    assertThat(marker).exists();
    assertThat(s.generated()).isEqualTo(12);
    Dataset<Row> table = spark.read().parquet(out.resolve("results").toString());
    Map<String, Row> rows = byId(table);
    assertThat(rows.keySet()).hasSize(12);
    assertThat(rows.get("r4").<Integer>getAs(BatchSchema.ATTEMPT)).as("r4 comes from the retried attempt").isEqualTo(1);
    try (Stream<Path> files = Files.list(out.resolve("images"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toList());
      assertThat(names).hasSize(12).allMatch(n -> n.endsWith(".png"));
    }
  }

  @Test
  void resumeGeneratesNothingNewAndDuplicateRowsAreMadeOnce() throws IOException {
    Path out = tmp.resolve("out");
    Path input = csv(5, "r0,\"" + PROMPTS[0] + "\",,100,4,3,64,64,ddim");
    BatchSummary first = DiffusionBatch.run(DiffusionBatch.read(spark, input.toString()), BatchOptions.to(out.toString()));
    assertThat(first.generated()).as("the repeated r0 row is made once").isEqualTo(5);
    assertThat(first.skipped()).isEqualTo(1);
    BatchSummary again = DiffusionBatch.run(DiffusionBatch.read(spark, input.toString()),
        BatchOptions.to(out.toString()).withResume(true));
    assertThat(again.generated()).isZero();
    assertThat(again.skipped()).isEqualTo(6);
    assertThat(spark.read().parquet(out.resolve("results").toString()).count()).isEqualTo(5);
    // a changed row gets a new key and is made on resume
    Files.writeString(input, Files.readString(input) + "r9,\"" + PROMPTS[1] + "\",,5,4,3,64,64,ddim\n");
    BatchSummary third = DiffusionBatch.run(DiffusionBatch.read(spark, input.toString()),
        BatchOptions.to(out.toString()).withResume(true));
    assertThat(third.generated()).isEqualTo(1);
  }

  @Test
  void readsJsonLinesAndParquetWithImagesForImageToImage() throws IOException {
    Path jsonl = tmp.resolve("rows.jsonl");
    Files.writeString(jsonl, "{\"id\":\"j1\",\"prompt\":\"a red circle\",\"seed\":3,\"steps\":4}\n"
        + "{\"id\":\"j2\",\"prompt\":\"a blue square\",\"steps\":4}\n");
    Path out = tmp.resolve("json-out");
    BatchSummary s = DiffusionBatch.run(DiffusionBatch.read(spark, jsonl.toString()), BatchOptions.to(out.toString()));
    assertThat(s.generated()).isEqualTo(2);
    Map<String, Row> rows = byId(spark.read().parquet(out.resolve("results").toString()));
    long derived = rows.get("j2").<Long>getAs(BatchSchema.SEED);
    assertThat(derived).as("a row without a seed gets one derived from its id")
        .isEqualTo(new BatchItem("j2", "x", null, null, null, null, null, null, null, null, null, null).effectiveSeed());

    BufferedImage init = ImageIO.read(out.resolve(rows.get("j1").<String>getAs(BatchSchema.FILE)).toFile());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(init, "png", bytes);
    List<Row> img2img = new ArrayList<>();
    img2img.add(org.apache.spark.sql.RowFactory.create("i1", "a green circle", 11L, 4, 0.6, bytes.toByteArray()));
    Dataset<Row> df = spark.createDataFrame(img2img, new org.apache.spark.sql.types.StructType()
        .add("id", "string").add("prompt", "string").add("seed", "long").add("steps", "int")
        .add("strength", "double").add("init_image", "binary"));
    Path parquet = tmp.resolve("rows.parquet");
    df.write().parquet(parquet.toString());
    Path out2 = tmp.resolve("parquet-out");
    BatchSummary s2 = DiffusionBatch.run(DiffusionBatch.read(spark, parquet.toString()),
        BatchOptions.to(out2.toString()).withImages(false, true));
    assertThat(s2.generated()).isEqualTo(1);
    Row r = spark.read().parquet(out2.resolve("results").toString()).where(functions.col("id").equalTo("i1")).first();
    BufferedImage fromTable = ImageIO.read(new java.io.ByteArrayInputStream(r.<byte[]>getAs(BatchSchema.PNG)));
    BufferedImage single = direct.generate(GenerationRequest.builder("a green circle").seed(11).steps(4)
        .strength(0.6).initImage(init).build()).first().image();
    assertThat(maxDiff(fromTable, single)).isLessThanOrEqualTo(1);
    assertThat(r.<String>getAs(BatchSchema.FILE)).isNull();
  }
}
