package io.diffuse4j.schedulers;

import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small helpers for the multistep scheduler tests: a seeded noise source that counts draws, a fake model loop. */
final class MultistepTestSupport {

  private MultistepTestSupport() {}

  /** A seeded Gaussian source that remembers what it handed out. */
  static final class CountingNoise implements NoiseSource {
    final Random random;
    final List<float[]> draws = new ArrayList<>();

    CountingNoise(long seed) {
      this.random = new Random(seed);
    }

    @Override
    public FloatTensor randn(int... shape) {
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = (float) random.nextGaussian();
      }
      draws.add(v);
      return FloatTensor.of(v, shape);
    }
  }

  static FloatTensor gaussian(long seed, int... shape) {
    return new CountingNoise(seed).randn(shape);
  }

  /** Runs the fake-model loop of the conformance cases: eps = a*x + b*t/1000 + c. */
  static FloatTensor run(Scheduler s, int steps, FloatTensor init, NoiseSource noise) {
    s.setTimesteps(steps);
    float sig = (float) s.initNoiseSigma();
    float[] x0 = init.data().clone();
    for (int i = 0; i < x0.length; i++) {
      x0[i] *= sig;
    }
    FloatTensor x = FloatTensor.of(x0, init.shape().clone());
    StepContext ctx = StepContext.of(noise);
    for (double t : s.timesteps()) {
      FloatTensor in = s.scaleModelInput(x, t);
      x = s.step(eps(in, t), t, x, ctx);
    }
    return x;
  }

  static FloatTensor eps(FloatTensor in, double t) {
    float bias = (float) (0.1 * (t / 1000.0) - 0.02);
    float[] e = new float[in.size()];
    for (int i = 0; i < e.length; i++) {
      e[i] = 0.5f * in.data()[i] + bias;
    }
    return FloatTensor.of(e, in.shape().clone());
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((double) a[i] - b[i]));
    }
    return m;
  }
}
