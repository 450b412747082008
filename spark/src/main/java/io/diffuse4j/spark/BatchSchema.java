package io.diffuse4j.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Column names of a batch's input and of its results table.
 *
 * <p>Input (Parquet, CSV with a header, or JSON lines): {@code id} and {@code prompt} are required;
 * {@code negative_prompt}, {@code seed}, {@code steps}, {@code guidance}, {@code width},
 * {@code height}, {@code scheduler}, {@code strength}, and (Parquet only, binary) {@code init_image}
 * and {@code mask} are optional; a missing column or a null means the model's default. Other
 * columns are ignored.
 */
public final class BatchSchema {

  /** Input: the caller's row id (required). */
  public static final String ID = "id";
  /** Input: the prompt (required). */
  public static final String PROMPT = "prompt";
  /** Input: the negative prompt. */
  public static final String NEGATIVE_PROMPT = "negative_prompt";
  /** Input: the seed; absent: derived from the id. */
  public static final String SEED = "seed";
  /** Input: denoising steps. */
  public static final String STEPS = "steps";
  /** Input: classifier-free guidance scale. */
  public static final String GUIDANCE = "guidance";
  /** Input: width in pixels. */
  public static final String WIDTH = "width";
  /** Input: height in pixels. */
  public static final String HEIGHT = "height";
  /** Input: scheduler name (as {@code ./diffuse schedulers} lists them). */
  public static final String SCHEDULER = "scheduler";
  /** Input: img2img / inpainting strength. */
  public static final String STRENGTH = "strength";
  /** Input: encoded init image bytes (binary). */
  public static final String INIT_IMAGE = "init_image";
  /** Input: encoded inpainting mask bytes (binary). */
  public static final String MASK = "mask";

  /** Results: the output key (id + parameter hash); the PNG is {@code images/<key>.png}. */
  public static final String KEY = "key";
  /** Results: the PNG file written, relative to the output folder, or null. */
  public static final String FILE = "file";
  /** Results: the PNG bytes, when the table carries them. */
  public static final String PNG = "png";
  /** Results: the generation parameters as JSON (what the PNG's text chunks hold). */
  public static final String PARAMETERS = "parameters";
  /** Results: milliseconds spent generating the row. */
  public static final String MILLIS = "millis";
  /** Results: the error message when the row failed, else null. */
  public static final String ERROR = "error";
  /** Results: which task attempt produced the row (0 unless Spark retried the task). */
  public static final String ATTEMPT = "attempt";
  /** Results: the Spark executor that produced the row ({@code driver} in local mode). */
  public static final String EXECUTOR = "executor";
  /** Results: the id of the run that produced the row. */
  public static final String RUN = "run";

  /** The schema of the results table. */
  public static final StructType RESULTS = new StructType()
      .add(ID, DataTypes.StringType, true)
      .add(KEY, DataTypes.StringType, false)
      .add(FILE, DataTypes.StringType, true)
      .add(PNG, DataTypes.BinaryType, true)
      .add(SEED, DataTypes.LongType, true)
      .add(PARAMETERS, DataTypes.StringType, true)
      .add(MILLIS, DataTypes.LongType, false)
      .add(ERROR, DataTypes.StringType, true)
      .add(ATTEMPT, DataTypes.IntegerType, false)
      .add(EXECUTOR, DataTypes.StringType, true)
      .add(RUN, DataTypes.StringType, false);

  private BatchSchema() {}
}
