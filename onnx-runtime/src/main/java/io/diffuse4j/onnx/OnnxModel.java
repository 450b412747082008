package io.diffuse4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.tensor.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.DoubleBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * One ONNX model part of a diffusion model folder (text encoder, U-Net, VAE decoder...) with
 * its session and the input/output metadata read at load. {@link #run} converts inputs to the
 * declared element types (fp16 included) and outputs to float32, and turns ONNX Runtime
 * failures into {@link DiffusionException}s that name the part and file.
 *
 * <pre>{@code
 * try (OnnxModel unet = factory.open(dir.resolve("unet/model.onnx"), "unet")) {
 *   Map<String, FloatTensor> out = unet.run(Map.of("sample", TensorValue.of(x), ...), Set.of("out_sample"));
 * }
 * }</pre>
 *
 * <p>Thread-safe: ONNX Runtime sessions accept concurrent runs. Close it to free the session.
 */
public final class OnnxModel implements AutoCloseable {

  private final OrtEnvironment env;
  private final OrtSession session;
  private final Path file;
  private final String part;
  private final Map<String, ValueSpec> inputs;
  private final Map<String, ValueSpec> outputs;
  private final long loadNanos;
  private final LongAdder runs = new LongAdder();
  private final LongAdder runNanos = new LongAdder();

  private final List<OnnxTensor> overrides;
  private final InputBuffers buffers = new InputBuffers();

  OnnxModel(OrtEnvironment env, OrtSession session, Path file, String part, long loadNanos) throws OrtException {
    this(env, session, file, part, loadNanos, List.of());
  }

  OnnxModel(OrtEnvironment env, OrtSession session, Path file, String part, long loadNanos,
      List<OnnxTensor> overrides) throws OrtException {
    this.overrides = List.copyOf(overrides);
    this.env = env;
    this.loadNanos = loadNanos;
    this.session = session;
    this.file = file;
    this.part = part;
    this.inputs = specs(session.getInputInfo());
    this.outputs = specs(session.getOutputInfo());
  }

  private static Map<String, ValueSpec> specs(Map<String, NodeInfo> infos) {
    Map<String, ValueSpec> m = new LinkedHashMap<>();
    for (NodeInfo n : infos.values()) {
      if (n.getInfo() instanceof TensorInfo ti) {
        m.put(n.getName(), new ValueSpec(n.getName(), elementType(ti), ti.getShape().clone()));
      } else {
        m.put(n.getName(), new ValueSpec(n.getName(), ElementType.OTHER, new long[0]));
      }
    }
    return Collections.unmodifiableMap(m);
  }

  private static ElementType elementType(TensorInfo ti) {
    return switch (ti.onnxType) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> ElementType.FLOAT;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> ElementType.FLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> ElementType.DOUBLE;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> ElementType.INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> ElementType.INT64;
      default -> ElementType.OTHER;
    };
  }

  /** How long creating the session took, in nanoseconds. */
  public long loadNanos() {
    return loadNanos;
  }

  /**
   * How many {@link #run}s completed and the nanoseconds spent inside ONNX Runtime's
   * {@code OrtSession.run} for them (conversions excluded): what benchmarks subtract to find the
   * Java side's overhead.
   */
  public RunStats runStats() {
    return new RunStats(runs.sum(), runNanos.sum());
  }

  /**
   * Counters of {@link #run}.
   *
   * @param runs completed runs
   * @param nanos nanoseconds inside {@code OrtSession.run}
   */
  public record RunStats(long runs, long nanos) {
    /** The runs and time since {@code earlier}. */
    public RunStats minus(RunStats earlier) {
      return new RunStats(runs - earlier.runs, nanos - earlier.nanos);
    }
  }

  /** The part's name ({@code unet}, {@code text_encoder}, ...). */
  public String part() {
    return part;
  }

  /** The model file. */
  public Path file() {
    return file;
  }

  /** Declared inputs, in model order. */
  public Map<String, ValueSpec> inputs() {
    return inputs;
  }

  /** Declared outputs, in model order. */
  public Map<String, ValueSpec> outputs() {
    return outputs;
  }

  /** Whether the model has an input of this name. */
  public boolean hasInput(String name) {
    return inputs.containsKey(name);
  }

  /** Whether the model has an output of this name. */
  public boolean hasOutput(String name) {
    return outputs.containsKey(name);
  }

  /**
   * The input of this name; an {@link InvalidModelException} naming the file and the inputs it has
   * when missing.
   */
  public ValueSpec input(String name) {
    ValueSpec s = inputs.get(name);
    if (s == null) {
      throw new InvalidModelException(file, part + " model " + file + " has no input '" + name + "'; it has "
          + inputs.values() + ". Is this the right file for the " + part + "?");
    }
    return s;
  }

  /** The output of this name, or an {@link InvalidModelException} naming what the file has. */
  public ValueSpec output(String name) {
    ValueSpec s = outputs.get(name);
    if (s == null) {
      throw new InvalidModelException(file, part + " model " + file + " has no output '" + name + "'; it has "
          + outputs.values() + ". Is this the right file for the " + part + "?");
    }
    return s;
  }

  /**
   * Runs the model. Every declared input must be fed; values are converted to the declared
   * element type. Returns the requested outputs as float32 tensors.
   */
  public Map<String, FloatTensor> run(Map<String, TensorValue> feeds, Set<String> wanted) {
    List<OnnxTensor> created = new ArrayList<>();
    List<ByteBuffer> taken = new ArrayList<>();
    Map<String, OnnxTensor> in = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, TensorValue> e : feeds.entrySet()) {
        ValueSpec spec = input(e.getKey());
        OnnxTensor t = toOnnx(spec, e.getValue(), taken);
        created.add(t);
        in.put(e.getKey(), t);
      }
      for (String name : inputs.keySet()) {
        if (!in.containsKey(name)) {
          throw new InvalidModelException(file, part + " model " + file + " needs input '" + name + "' ("
              + inputs.get(name) + ") which this pipeline does not provide; supported inputs are described in docs/models.md");
        }
      }
      for (String w : wanted) {
        output(w);
      }
      long t0 = System.nanoTime();
      OrtSession.Result r = session.run(in, wanted);
      runNanos.add(System.nanoTime() - t0);
      runs.increment();
      try (OrtSession.Result result = r) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> e : result) {
          out.put(e.getKey(), toFloat((OnnxTensor) e.getValue()));
        }
        return out;
      }
    } catch (OrtException e) {
      StringBuilder fed = new StringBuilder();
      feeds.forEach((k, v) -> fed.append(fed.length() > 0 ? ", " : "").append(k).append(' ').append(v.describe()));
      throw new DiffusionException("ONNX Runtime failed to run the " + part + " (" + file + ") with inputs " + fed
          + "; the model declares " + inputs.values() + ". Cause: " + firstLine(e.getMessage()), e);
    } finally {
      for (OnnxTensor t : created) {
        t.close();
      }
      taken.forEach(buffers::give); // the tensors built on them are closed
    }
  }

  /**
   * {@code v} as an ONNX Runtime tensor of the declared type; float and float16 values are written
   * into a reused direct buffer (added to {@code taken}), which ONNX Runtime reads in place.
   */
  private OnnxTensor toOnnx(ValueSpec spec, TensorValue v, List<ByteBuffer> taken) throws OrtException {
    long[] shape = v.shape();
    int n = v.size();
    if (spec.rank() != shape.length) {
      // Accept [1] <-> scalar differences for timesteps.
      if (spec.rank() == 0 && n == 1) {
        shape = new long[0];
      } else if (spec.rank() == 1 && shape.length == 0) {
        shape = new long[] {1};
      } else {
        throw new InvalidModelException(file, part + " input '" + spec.name() + "' of " + file + " has rank "
            + spec.rank() + " (" + spec + ") but the pipeline built " + v.describe());
      }
    }
    switch (spec.type()) {
      case FLOAT -> {
        ByteBuffer b = buffers.take(Math.multiplyExact(n, Float.BYTES));
        taken.add(b);
        FloatBuffer fb = b.asFloatBuffer();
        float[] f = v.floats();
        if (f != null) {
          fb.put(f, 0, n);
        } else {
          for (int i = 0; i < n; i++) {
            fb.put(i, (float) v.get(i));
          }
        }
        return OnnxTensor.createTensor(env, fb.rewind(), shape);
      }
      case FLOAT16 -> {
        ByteBuffer b = buffers.take(Math.multiplyExact(n, Short.BYTES));
        taken.add(b);
        ShortBuffer h = b.asShortBuffer();
        for (int i = 0; i < n; i++) {
          h.put(i, Half.fromFloat((float) v.get(i)));
        }
        return OnnxTensor.createTensor(env, h, shape, OnnxJavaType.FLOAT16);
      }
      case DOUBLE -> {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
          d[i] = v.get(i);
        }
        return OnnxTensor.createTensor(env, DoubleBuffer.wrap(d), shape);
      }
      case INT32 -> {
        int[] d = new int[n];
        for (int i = 0; i < n; i++) {
          d[i] = (int) Math.round(v.get(i));
        }
        return OnnxTensor.createTensor(env, IntBuffer.wrap(d), shape);
      }
      case INT64 -> {
        long[] d = new long[n];
        for (int i = 0; i < n; i++) {
          d[i] = v.longs() != null ? v.longs()[i] : Math.round(v.get(i));
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(d), shape);
      }
      default -> throw new InvalidModelException(file, part + " input '" + spec.name() + "' of " + file
          + " has an element type diffuse4j does not feed (" + spec + "); expected float, float16, int32 or int64");
    }
  }

  private FloatTensor toFloat(OnnxTensor t) {
    TensorInfo info = t.getInfo();
    long[] s = info.getShape();
    int[] shape = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      shape[i] = Math.toIntExact(s[i]);
    }
    int n = Math.toIntExact(info.getNumElements());
    if (info.onnxType == TensorInfo.OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT) {
      // getFloatBuffer() already copies into a heap buffer: its array is taken as it is
      FloatBuffer b = t.getFloatBuffer();
      if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == n) {
        return new FloatTensor(shape, b.array());
      }
      float[] out = new float[n];
      b.get(out);
      return new FloatTensor(shape, out);
    }
    float[] out = new float[n];
    switch (info.onnxType) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> {
        ShortBuffer b = t.getShortBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = Half.toFloat(b.get(i));
        }
      }
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> {
        DoubleBuffer b = t.getDoubleBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = (float) b.get(i);
        }
      }
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> {
        LongBuffer b = t.getLongBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = b.get(i);
        }
      }
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> {
        IntBuffer b = t.getIntBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = b.get(i);
        }
      }
      default -> throw new InvalidModelException(file, part + " (" + file + ") returned an output of type " + info.onnxType
          + " that diffuse4j cannot read");
    }
    return new FloatTensor(shape, out);
  }

  static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Bytes of input buffers kept for the next runs (see {@link InputBuffers}). */
  long pooledInputBytes() {
    return buffers.pooledBytes();
  }

  /** Whether the session was opened with replaced initializers (LoRA, embeddings). */
  public boolean adapted() {
    return !overrides.isEmpty();
  }

  /** Closes the session, then the tensors of replaced initializers. */
  @Override
  public void close() {
    buffers.clear();
    try {
      session.close();
    } catch (OrtException e) {
      throw new DiffusionException("Could not close the " + part + " session (" + file + "): " + e.getMessage(), e);
    } finally {
      overrides.forEach(OnnxTensor::close);
    }
  }

  @Override
  public String toString() {
    return part + "(" + file + ")";
  }
}
