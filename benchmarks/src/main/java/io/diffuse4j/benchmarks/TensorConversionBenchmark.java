package io.diffuse4j.benchmarks;

import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.Half;
import io.diffuse4j.pipelines.image.Images;
import io.diffuse4j.pipelines.stages.Tensors;
import java.awt.image.BufferedImage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The tensor work around every U-Net call and the decode: the classifier-free-guidance batch (concat of
 * two latents), scaling, fp32 to fp16 and back (what an fp16 export costs at the boundary per step), and the
 * decoded image to a {@link BufferedImage}.
 *
 * <pre>
 * java -cp "benchmarks/target/diffuse4j-benchmarks-0.1.0-SNAPSHOT.jar:$(cat benchmarks/target/classpath.txt)" \
 *     org.openjdk.jmh.Main TensorConversion
 * </pre>
 *
 * <p>JMH state: one per benchmark thread (not shared).
 */
public class TensorConversionBenchmark extends MicrosecondBenchmark {

  /** Latent side: 64 (512^2 images) or 128 (1024^2). */
  @Param({"64", "128"})
  public int side;

  private FloatTensor latents;
  private FloatTensor image;
  private short[] half;

  /** Random-looking latents and an image of the matching size. */
  @Setup(Level.Trial)
  public void setUp() {
    latents = FloatTensor.zeros(1, 4, side, side);
    for (int i = 0; i < latents.size(); i++) {
      latents.data()[i] = (float) Math.sin(i * 0.37);
    }
    image = FloatTensor.zeros(1, 3, side * 8, side * 8);
    for (int i = 0; i < image.size(); i++) {
      image.data()[i] = (float) Math.sin(i * 0.001);
    }
    half = new short[latents.size() * 2];
  }

  /** The CFG batch: {@code cat([latents, latents])}. */
  @Benchmark
  public FloatTensor guidanceBatch() {
    return FloatTensor.concat(latents, latents);
  }

  /** {@code latents / scaling_factor} before decoding. */
  @Benchmark
  public FloatTensor scale() {
    return Tensors.scale(latents, 1 / 0.18215);
  }

  /** The CFG batch to fp16 and back, as an fp16 U-Net's boundary does per step. */
  @Benchmark
  public float fp16RoundTrip() {
    float[] d = latents.data();
    float acc = 0;
    for (int k = 0; k < 2; k++) {
      for (int i = 0; i < d.length; i++) {
        half[k * d.length + i] = Half.fromFloat(d[i]);
      }
    }
    for (short h : half) {
      acc += Half.toFloat(h);
    }
    return acc;
  }

  /** The decoded image in [-1, 1] to an sRGB {@link BufferedImage}. */
  @Benchmark
  public BufferedImage toImage() {
    return Images.toImage(image, 0);
  }
}
