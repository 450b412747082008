package io.diffuse4j.djl.engine;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.diffuse4j.api.pipeline.GenerationFailedException;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.tensor.FloatTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One model part opened in a DJL engine: a DJL {@link Model} and its {@code Predictor<NDList, NDList>}.
 * {@link #run} creates the inputs in a manager of its own, predicts, copies the outputs into
 * {@link FloatTensor}s and frees the native arrays before returning. Thread-safe ({@link #run} is
 * serialised, since a DJL predictor is not); close it to free the native model.
 */
public final class DjlPart implements AutoCloseable {

  /** An input value: float data or integer ids, with a shape. */
  public record Feed(float[] floats, int[] ints, long[] shape) {
    /** A float input. */
    public static Feed of(FloatTensor t) {
      long[] s = new long[t.rank()];
      for (int i = 0; i < s.length; i++) {
        s[i] = t.dim(i);
      }
      return new Feed(t.data(), null, s);
    }

    /** An integer input. */
    public static Feed ints(int[] values, long... shape) {
      return new Feed(null, values, shape);
    }
  }

  private final PartSpec spec;
  private final Model model;
  private final Predictor<NDList, NDList> predictor;

  private DjlPart(PartSpec spec, Model model, Predictor<NDList, NDList> predictor) {
    this.spec = spec;
    this.model = model;
    this.predictor = predictor;
  }

  /** Opens {@code spec.file()} with DJL engine {@code engineName} on {@code device}. */
  public static DjlPart open(PartSpec spec, String engineName, Device device) {
    Path file = spec.file();
    // the engine's start calls DJL's telemetry unless told not to; parts may load before the tokenizer
    io.diffuse4j.textencoder.tokenizer.DjlOffline.ensure();
    Model model = Model.newInstance(file.getParent().getFileName().toString(), device, engineName);
    try {
      String name = file.getFileName().toString();
      model.load(file.getParent(), name.substring(0, name.lastIndexOf('.')), Map.of());
      return new DjlPart(spec, model, model.newPredictor(new NoopTranslator()));
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      if (e instanceof InvalidModelException i) {
        throw i;
      }
      throw new InvalidModelException(file, "DJL's " + engineName + " engine could not load " + file + ": "
          + e.getMessage(), e);
    }
  }

  /** What the part declares. */
  public PartSpec spec() {
    return spec;
  }

  /** Runs the part on {@code feeds} (in the order of {@link PartSpec#inputs()}); returns every output. */
  public synchronized List<FloatTensor> run(Feed... feeds) {
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDList in = new NDList();
      for (int i = 0; i < feeds.length; i++) {
        Feed f = feeds[i];
        String dtype = i < spec.inputs().size() ? spec.inputs().get(i).dtype() : "float32";
        NDArray a;
        if (f.floats() != null) {
          a = manager.create(f.floats(), new Shape(f.shape()));
        } else if ("int64".equals(dtype)) {
          long[] l = new long[f.ints().length];
          for (int j = 0; j < l.length; j++) {
            l[j] = f.ints()[j];
          }
          a = manager.create(l, new Shape(f.shape()));
        } else {
          a = manager.create(f.ints(), new Shape(f.shape()));
        }
        in.add(a);
      }
      NDList out = predictor.predict(in);
      List<FloatTensor> result = new ArrayList<>(out.size());
      for (NDArray o : out) {
        NDArray f = o.getDataType() == DataType.FLOAT32 ? o : o.toType(DataType.FLOAT32, false);
        long[] s = f.getShape().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
          shape[i] = Math.toIntExact(s[i]);
        }
        result.add(new FloatTensor(shape, f.toFloatArray()));
      }
      return result;
    } catch (TranslateException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new GenerationFailedException("The " + model.getNDManager().getEngine().getEngineName() + " model "
          + spec.file() + " failed: " + cause.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      predictor.close();
    } finally {
      model.close();
    }
  }
}
