package io.diffuse4j.examples.kdpm2;

/** INTERIM: noise-schedule math until the schedulers module's shared helpers land. */
final class Kdpm2Math {

  private Kdpm2Math() {}

  static float[] betas(Kdpm2Settings s) {
    int n = s.numTrainTimesteps();
    if (s.trainedBetas() != null) {
      double[] t = s.trainedBetas();
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        out[i] = (float) t[i];
      }
      return out;
    }
    switch (s.betaSchedule()) {
      case "linear":
        return torchLinspace((float) s.betaStart(), (float) s.betaEnd(), n);
      case "scaled_linear": {
        float[] b = torchLinspace((float) Math.sqrt(s.betaStart()), (float) Math.sqrt(s.betaEnd()), n);
        for (int i = 0; i < n; i++) {
          b[i] = b[i] * b[i];
        }
        return b;
      }
      default: {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
          double t1 = (double) i / n;
          double t2 = (double) (i + 1) / n;
          out[i] = (float) Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
        }
        return out;
      }
    }
  }

  private static double alphaBar(double t) {
    double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
    return c * c;
  }

  static float[] torchLinspace(float start, float end, int n) {
    float step = (end - start) / (n - 1);
    float[] out = new float[n];
    int half = n / 2;
    for (int i = 0; i < n; i++) {
      out[i] = i < half ? start + step * i : end - step * (n - 1 - i);
    }
    return out;
  }

  static float[] alphasCumprod(float[] betas) {
    float[] out = new float[betas.length];
    double acc = 1.0;
    for (int i = 0; i < betas.length; i++) {
      acc *= (float) (1f - betas[i]);
      out[i] = (float) acc;
    }
    return out;
  }

  static double[] spacedTimesteps(String spacing, int n, int steps, int offset) {
    double[] ts = new double[steps];
    switch (spacing) {
      case "linspace": {
        double step = (n - 1.0) / (steps - 1);
        for (int i = 0; i < steps; i++) {
          double v = steps == 1 ? 0.0 : (i == steps - 1 ? n - 1.0 : i * step);
          ts[steps - 1 - i] = (float) v;
        }
        return ts;
      }
      case "leading": {
        int ratio = n / steps;
        for (int i = 0; i < steps; i++) {
          ts[steps - 1 - i] = (float) ((float) Math.rint((double) i * ratio) + (float) offset);
        }
        return ts;
      }
      default: {
        // np.arange(n, 0, -ratio): its length is ceil(n / ratio), one more than steps for some counts
        double ratio = (double) n / steps;
        int len = (int) Math.ceil((0.0 - n) / -ratio);
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
          out[i] = (float) ((float) Math.rint(n + i * -ratio) - 1f);
        }
        return out;
      }
    }
  }

  static float[] trainSigmas(float[] alphasCumprod) {
    float[] out = new float[alphasCumprod.length];
    for (int i = 0; i < out.length; i++) {
      float ac = alphasCumprod[i];
      out[i] = (float) Math.sqrt((1f - ac) / ac);
    }
    return out;
  }

  static float[] log(float[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) Math.log(x[i]);
    }
    return out;
  }

  static double[] interpolate(double[] x, float[] fp) {
    double[] out = new double[x.length];
    for (int k = 0; k < x.length; k++) {
      double v = x[k];
      if (v <= 0) {
        out[k] = fp[0];
      } else if (v >= fp.length - 1) {
        out[k] = fp[fp.length - 1];
      } else {
        int j = (int) Math.floor(v);
        if (j == v) {
          out[k] = fp[j];
        } else {
          double slope = (double) fp[j + 1] - fp[j];
          out[k] = slope * (v - j) + fp[j];
        }
      }
    }
    return out;
  }

  static double sigmaToT(double sigma, float[] logSigmas) {
    double logSigma = Math.log(Math.max(sigma, 1e-10));
    int count = 0;
    int lowIdx = 0;
    int best = -1;
    for (int i = 0; i < logSigmas.length; i++) {
      if (logSigma - logSigmas[i] >= 0) {
        count++;
      }
      if (count > best) {
        best = count;
        lowIdx = i;
      }
    }
    lowIdx = Math.min(lowIdx, logSigmas.length - 2);
    double low = logSigmas[lowIdx];
    double high = logSigmas[lowIdx + 1];
    double w = (low - logSigma) / (low - high);
    w = Math.max(0, Math.min(1, w));
    return (1 - w) * lowIdx + w * (lowIdx + 1);
  }

  /**
   * {@link #sigmaToT} as torch evaluates it for a float32 sigma tensor (the midpoints): log sigma
   * rounded to float32, the weight and the blend in float32.
   */
  static float sigmaToTFloat32(float sigma, float[] logSigmas) {
    float logSigma = (float) Math.log(Math.max(sigma, 1e-10));
    int count = 0;
    int lowIdx = 0;
    int best = -1;
    for (int i = 0; i < logSigmas.length; i++) {
      if (logSigma - logSigmas[i] >= 0) {
        count++;
      }
      if (count > best) {
        best = count;
        lowIdx = i;
      }
    }
    lowIdx = Math.min(lowIdx, logSigmas.length - 2);
    float low = logSigmas[lowIdx];
    float high = logSigmas[lowIdx + 1];
    float w = (low - logSigma) / (low - high);
    w = Math.max(0f, Math.min(1f, w));
    return (1f - w) * lowIdx + w * (lowIdx + 1);
  }

  static double[] karrasSigmas(double sigmaMin, double sigmaMax, int steps) {
    double rho = 7.0;
    double minInv = Math.pow(sigmaMin, 1 / rho);
    double maxInv = Math.pow(sigmaMax, 1 / rho);
    double[] out = new double[steps];
    for (int i = 0; i < steps; i++) {
      double ramp = steps == 1 ? 0 : (i == steps - 1 ? 1.0 : i * (1.0 / (steps - 1)));
      out[i] = Math.pow(maxInv + ramp * (minInv - maxInv), rho);
    }
    return out;
  }

  static double[] exponentialSigmas(double sigmaMin, double sigmaMax, int steps) {
    double a = Math.log(sigmaMax);
    double b = Math.log(sigmaMin);
    double step = (b - a) / (steps - 1);
    double[] out = new double[steps];
    for (int i = 0; i < steps; i++) {
      out[i] = Math.exp(steps == 1 ? a : (i == steps - 1 ? b : a + i * step));
    }
    return out;
  }
}
