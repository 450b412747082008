package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.toolkit.ConfigReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Pseudo numerical methods for diffusion models (Liu et al., 2022, https://arxiv.org/abs/2202.09778),
 * equal to diffusers' {@code PNDMScheduler}: the transfer part of formula (9) driven by a
 * linear multistep (PLMS, formula (12)) estimate of the noise, started either by three
 * Runge-Kutta (PRK, formula (13)) steps of four evaluations each ({@code skip_prk_steps false},
 * F-PNDM) or, as Stable Diffusion ships it ({@code skip_prk_steps true}), by one repeated
 * timestep that averages two evaluations (crowsonkb's PLMS). Config keys and defaults as
 * diffusers' {@code __init__}: num_train_timesteps 1000, beta_start 0.0001, beta_end 0.02,
 * beta_schedule linear, trained_betas, skip_prk_steps false, set_alpha_to_one false,
 * prediction_type epsilon (or v_prediction), timestep_spacing leading, steps_offset 0.
 *
 * <pre>{@code
 * Scheduler pndm = new PndmScheduler(SchedulerConfigJson.parse(Path.of("scheduler/scheduler_config.json")));
 * pndm.setTimesteps(50);   // SD 1.5: 51 timesteps (951 appears twice at 20 steps)
 * }</pre>
 *
 * <p>Not thread-safe: one instance per run.
 */
public final class PndmScheduler extends ConfiguredScheduler {

  /** The diffusers class name. */
  public static final String CLASS_NAME = "PNDMScheduler";

  private static final int PNDM_ORDER = 4;

  private final float[] alphasCumprod;
  private final float finalAlphaCumprod;
  private final boolean skipPrk;
  private final String predictionType;
  private final String spacing;
  private final int stepsOffset;

  private int numInferenceSteps;
  private long[] prkTimesteps;
  private double[] timesteps;
  private final List<float[]> ets = new ArrayList<>();
  private float[] curModelOutput;
  private float[] curSample;
  private int counter;

  /** A scheduler from a config (of this or another class: unknown keys are kept, missing ones default). */
  public PndmScheduler(SchedulerConfig source) {
    ConfigReader r = new ConfigReader(source, CLASS_NAME);
    numTrain = r.integer("num_train_timesteps", 1000);
    double betaStart = r.number("beta_start", 0.0001);
    double betaEnd = r.number("beta_end", 0.02);
    String schedule = r.choice("beta_schedule", "linear", "linear", "scaled_linear", "squaredcos_cap_v2");
    double[] trained = r.numbers("trained_betas");
    skipPrk = r.bool("skip_prk_steps", false);
    boolean setAlphaToOne = r.bool("set_alpha_to_one", false);
    predictionType = r.choice("prediction_type", "epsilon", "epsilon", "v_prediction");
    spacing = r.choice("timestep_spacing", "leading", "linspace", "leading", "trailing");
    stepsOffset = r.integer("steps_offset", 0);
    if (numTrain < 1) {
      throw r.bad("num_train_timesteps", numTrain, "a positive integer");
    }
    config = r.effectiveConfig();
    alphasCumprod = SchedulerMath.alphasCumprod(schedule, numTrain, betaStart, betaEnd, trained, false);
    finalAlphaCumprod = setAlphaToOne ? 1f : alphasCumprod[0];
  }

  @Override
  public void setTimesteps(int steps) {
    if (steps < 1 || steps > numTrain) {
      throw new IllegalArgumentException(CLASS_NAME + ": num_inference_steps must be between 1 and"
          + " num_train_timesteps (" + numTrain + "), got " + steps);
    }
    if (!skipPrk && steps < PNDM_ORDER) {
      throw new IllegalArgumentException(CLASS_NAME + ": with skip_prk_steps = false the Runge-Kutta warm-up needs"
          + " at least " + PNDM_ORDER + " inference steps, got " + steps + " (diffusers fails too); set"
          + " skip_prk_steps to true or use more steps");
    }
    long[] asc = ascendingTimesteps(steps);
    // before any state changes
    SchedulerMath.requireInTrainingRange(CLASS_NAME, steps, stepsOffset, numTrain, highestTimestep(asc),
        n -> highestTimestep(ascendingTimesteps(n)));
    List<Long> all = new ArrayList<>();
    if (skipPrk) {
      // PLMS: the second-to-last inference timestep twice, descending
      prkTimesteps = new long[0];
      all.add(asc[steps - 1]);
      for (int i = steps - 2; i >= 0; i--) {
        all.add(asc[i]);
        if (i == steps - 2) {
          all.add(asc[i]);
        }
      }
    } else {
      // PRK over the last four: t, t + h/2 twice, ... (diffusers' repeat/tile construction), then PLMS
      long half = numTrain / steps / 2;
      long[] p = new long[2 * PNDM_ORDER];
      for (int k = 0; k < PNDM_ORDER; k++) {
        p[2 * k] = asc[steps - PNDM_ORDER + k];
        p[2 * k + 1] = asc[steps - PNDM_ORDER + k] + half;
      }
      long[] rep = new long[2 * (p.length - 1)];
      for (int k = 0; k < p.length - 1; k++) {
        rep[2 * k] = p[k];
        rep[2 * k + 1] = p[k];
      }
      prkTimesteps = new long[rep.length - 2];
      for (int k = 0; k < prkTimesteps.length; k++) {
        prkTimesteps[k] = rep[rep.length - 2 - k];
      }
      for (long t : prkTimesteps) {
        all.add(t);
      }
      for (int i = steps - 4; i >= 0; i--) {
        all.add(asc[i]);
      }
    }
    timesteps = new double[all.size()];
    for (int i = 0; i < timesteps.length; i++) {
      timesteps[i] = all.get(i);
    }
    numInferenceSteps = steps;
    ets.clear();
    counter = 0;
    curModelOutput = null;
    curSample = null;
  }

  /** The inference timesteps of {@code steps} steps, ascending (diffusers' {@code _timesteps}). */
  private long[] ascendingTimesteps(int steps) {
    long[] asc = new long[steps];
    if ("trailing".equals(spacing)) {
      double[] t = MultistepMath.spacedTimesteps("trailing", numTrain, numTrain, steps, 0);
      for (int i = 0; i < steps; i++) {
        asc[i] = (long) t[steps - 1 - i];
      }
    } else {
      long[] t = SchedulerMath.spacedTimesteps(spacing, numTrain, steps, stepsOffset);
      for (int i = 0; i < steps; i++) {
        asc[i] = t[steps - 1 - i];
      }
    }
    return asc;
  }

  /**
   * The highest timestep a run over {@code asc} steps at: the last inference timestep, and with the PRK
   * warm-up the second-to-last plus half a step (the warm-up's last half step is dropped, as in diffusers).
   */
  private long highestTimestep(long[] asc) {
    int n = asc.length;
    if (skipPrk || n < PNDM_ORDER) {
      return asc[n - 1];
    }
    return Math.max(asc[n - 1], asc[n - 2] + numTrain / n / 2);
  }

  @Override
  public double[] timesteps() {
    requireTimesteps();
    return timesteps.clone();
  }

  private void requireTimesteps() {
    if (timesteps == null) {
      throw new IllegalStateException(CLASS_NAME + ": call setTimesteps(numInferenceSteps) first");
    }
  }

  @Override
  public void setBeginIndex(int beginIndex) {
    // PNDM counts its own steps; diffusers has no begin index for it.
  }

  @Override
  public double initNoiseSigma() {
    return 1.0;
  }

  @Override
  public FloatTensor step(FloatTensor modelOutput, double timestep, FloatTensor sample, StepContext ctx) {
    requireTimesteps();
    Tensors.checkSameShape(modelOutput, sample, CLASS_NAME);
    float[] out = skipPrk || counter >= prkTimesteps.length
        ? stepPlms(modelOutput.data(), (long) timestep, sample.data())
        : stepPrk(modelOutput.data(), (long) timestep, sample.data());
    return sample.withData(out);
  }

  /** Formula (13): the four Runge-Kutta evaluations of one PRK step, weighted 1/6, 1/3, 1/3, 1/6. */
  private float[] stepPrk(float[] m, long t, float[] x) {
    long diffToPrev = counter % 2 == 1 ? 0 : numTrain / numInferenceSteps / 2;
    long prevT = t - diffToPrev;
    long from = prkTimesteps[counter / 4 * 4];
    float[] eps = m;
    switch (counter % 4) {
      case 0 -> {
        curModelOutput = addScaled(curModelOutput, (float) (1.0 / 6), m);
        ets.add(m.clone());
        curSample = x.clone();
      }
      case 1, 2 -> curModelOutput = addScaled(curModelOutput, (float) (1.0 / 3), m);
      default -> {
        eps = addScaled(curModelOutput, (float) (1.0 / 6), m);
        curModelOutput = null;
      }
    }
    float[] base = curSample != null ? curSample : x;
    float[] prev = prevSample(base, from, prevT, eps);
    counter++;
    return prev;
  }

  /** {@code acc + c * m} (acc null meaning 0), as torch's {@code cur += c * m}. */
  private static float[] addScaled(float[] acc, float c, float[] m) {
    float[] out = new float[m.length];
    for (int i = 0; i < m.length; i++) {
      float v = c * m[i];
      out[i] = acc == null ? v : acc[i] + v;
    }
    return out;
  }

  /** Formula (12): the linear multistep noise estimate from up to four past model outputs. */
  private float[] stepPlms(float[] m, long t, float[] x) {
    if (!skipPrk && ets.size() < 3) {
      throw new IllegalStateException(CLASS_NAME + ": the PLMS steps need the 12 Runge-Kutta steps first");
    }
    long stride = numTrain / numInferenceSteps;
    long prevT = t - stride;
    long from = t;
    if (counter != 1) {
      while (ets.size() > 3) {
        ets.remove(0);
      }
      ets.add(m.clone());
    } else {
      prevT = t;
      from = t + stride;
    }
    int n = m.length;
    float[] eps = new float[n];
    float[] base = x;
    int k = ets.size();
    if (k == 1 && counter == 0) {
      System.arraycopy(m, 0, eps, 0, n);
      curSample = x.clone();
    } else if (k == 1 && counter == 1) {
      float[] e1 = ets.get(0);
      for (int i = 0; i < n; i++) {
        eps[i] = (m[i] + e1[i]) / 2f;
      }
      base = curSample;
      curSample = null;
    } else if (k == 2) {
      float[] e1 = ets.get(1);
      float[] e2 = ets.get(0);
      for (int i = 0; i < n; i++) {
        eps[i] = (3f * e1[i] - e2[i]) / 2f;
      }
    } else if (k == 3) {
      float[] e1 = ets.get(2);
      float[] e2 = ets.get(1);
      float[] e3 = ets.get(0);
      for (int i = 0; i < n; i++) {
        eps[i] = (23f * e1[i] - 16f * e2[i] + 5f * e3[i]) / 12f;
      }
    } else {
      float[] e1 = ets.get(3);
      float[] e2 = ets.get(2);
      float[] e3 = ets.get(1);
      float[] e4 = ets.get(0);
      float c = (float) (1.0 / 24);
      for (int i = 0; i < n; i++) {
        eps[i] = c * (55f * e1[i] - 59f * e2[i] + 37f * e3[i] - 9f * e4[i]);
      }
    }
    float[] prev = prevSample(base, from, prevT, eps);
    counter++;
    return prev;
  }

  private float alphaAt(long t) {
    if (t < 0 || t >= numTrain) {
      throw new IllegalArgumentException(CLASS_NAME + ": timestep " + t + " is outside [0, " + numTrain
          + "); pass the values of timesteps() in order");
    }
    return alphasCumprod[(int) t];
  }

  /** Formula (9): x_{t-delta} from x_t and the noise estimate. */
  private float[] prevSample(float[] x, long t, long prevT, float[] eps) {
    float at = alphaAt(t);
    float aPrev = prevT >= 0 ? alphaAt(prevT) : finalAlphaCumprod;
    float bt = 1f - at;
    float bPrev = 1f - aPrev;
    int n = x.length;
    float[] e = eps;
    if ("v_prediction".equals(predictionType)) {
      float sa = (float) Math.sqrt(at);
      float sb = (float) Math.sqrt(bt);
      e = new float[n];
      for (int i = 0; i < n; i++) {
        e[i] = sa * eps[i] + sb * x[i];
      }
    }
    float sampleCoeff = (float) Math.sqrt(aPrev / at);
    float denom = at * (float) Math.sqrt(bPrev) + (float) Math.sqrt(at * bt * aPrev);
    float diff = aPrev - at;
    float[] prev = new float[n];
    for (int i = 0; i < n; i++) {
      prev[i] = sampleCoeff * x[i] - (diff * e[i]) / denom;
    }
    return prev;
  }

  @Override
  public FloatTensor addNoise(FloatTensor original, FloatTensor noise, double timestep) {
    float a = alphaAt((long) timestep);
    float sa = (float) Math.sqrt(a);
    float sb = (float) Math.sqrt(1f - a);
    float[] x = original.data();
    float[] z = noise.data();
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = sa * x[i] + sb * z[i];
    }
    return original.withData(out);
  }
}
