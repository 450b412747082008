package io.diffuse4j.schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.diffuse4j.pipelines.stages.Img2ImgTimesteps;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Behaviour of PNDM and the sigma schedulers that the replayed cases do not pin down, and their math helpers. */
class SigmaSchedulersTest {

  private static final Map<String, Object> SD = Map.of("beta_start", 0.00085, "beta_end", 0.012, "beta_schedule",
      "scaled_linear", "steps_offset", 1L);

  @Test
  void pndmRungeKuttaWarmUpNeedsFourSteps() {
    PndmScheduler s = new PndmScheduler(SchedulerConfig.of(PndmScheduler.CLASS_NAME, SD));
    assertThatThrownBy(() -> s.setTimesteps(3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("skip_prk_steps");
    s.setTimesteps(4);
    // 12 Runge-Kutta evaluations, then the one remaining PLMS timestep
    assertThat(s.timesteps()).hasSize(13);
  }

  @Test
  void pndmSkippingPrkRepeatsTheSecondTimestep() {
    PndmScheduler s = new PndmScheduler(SchedulerConfig.of(PndmScheduler.CLASS_NAME,
        Map.of("skip_prk_steps", true, "steps_offset", 1L)));
    s.setTimesteps(20);
    assertThat(s.timesteps()).hasSize(21).startsWith(951.0, 901.0, 901.0, 851.0).endsWith(1.0);
  }

  @Test
  void eulerAncestralRefusesSamplePredictionLikeDiffusers() {
    assertThatThrownBy(() -> new EulerAncestralDiscreteScheduler(SchedulerConfig.of(
        EulerAncestralDiscreteScheduler.CLASS_NAME, Map.of("prediction_type", "sample"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prediction_type 'sample'");
  }

  @Test
  void onlyOneSigmaScheduleMayBeChosen() {
    assertThatThrownBy(() -> new HeunDiscreteScheduler(SchedulerConfig.of(HeunDiscreteScheduler.CLASS_NAME,
        Map.of("use_karras_sigmas", true, "use_exponential_sigmas", true))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use_karras_sigmas");
  }

  @Test
  void heunRepeatsEveryTimestepButTheFirstAndHasOrderTwo() {
    HeunDiscreteScheduler s = new HeunDiscreteScheduler(SchedulerConfig.of(HeunDiscreteScheduler.CLASS_NAME, SD));
    s.setTimesteps(5);
    double[] t = s.timesteps();
    assertThat(t).hasSize(9);
    for (int i = 1; i < t.length; i += 2) {
      assertThat(t[i + 1]).isEqualTo(t[i]);
    }
    assertThat(s.order()).isEqualTo(2);
    assertThat(s.sigmas()).hasSize(10).endsWith(0f);
  }

  @Test
  void eulerStepIndexComesFromTheBeginIndexAfterImg2ImgCut() {
    EulerDiscreteScheduler s = new EulerDiscreteScheduler(SchedulerConfig.of(EulerDiscreteScheduler.CLASS_NAME, SD));
    s.setTimesteps(10);
    double[] kept = Img2ImgTimesteps.select(s, 10, 0.5);
    assertThat(kept).hasSize(5);
    FloatTensor zero = FloatTensor.zeros(1, 1, 1, 1);
    FloatTensor one = FloatTensor.of(new float[] {1f}, 1, 1, 1, 1);
    // add_noise with a begin index uses the sigma at that index
    assertThat(s.addNoise(zero, one, kept[0]).data()[0]).isEqualTo(s.sigmas()[5]);
    FloatTensor x = s.scaleModelInput(one, kept[0]);
    float sigma = s.sigmas()[5];
    assertThat(x.data()[0]).isEqualTo(1f / (float) Math.sqrt(sigma * sigma + 1f));
  }

  @Test
  void unknownTimestepIsRefusedWithTheFix() {
    Scheduler s = new LmsDiscreteScheduler(SchedulerConfig.of(LmsDiscreteScheduler.CLASS_NAME, SD));
    s.setTimesteps(10);
    FloatTensor x = FloatTensor.zeros(1, 1, 1, 1);
    assertThatThrownBy(() -> s.step(x, 123.25, x, StepContext.of(sh -> FloatTensor.zeros(sh))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timesteps()");
  }

  @Test
  void adaptiveQuadratureIsAccurate() {
    assertThat(SchedulerMath.integrate(Math::sin, 0, Math.PI, 1e-14, 1e-13)).isCloseTo(2.0, within(1e-12));
    assertThat(SchedulerMath.integrate(x -> Math.exp(-x * x), -6, 6, 1e-14, 1e-13))
        .isCloseTo(Math.sqrt(Math.PI), within(1e-12));
    // reversed bounds, a peaked integrand that needs subdivision
    assertThat(SchedulerMath.integrate(x -> 1 / (1e-4 + x * x), 1, -1, 1e-12, 1e-12))
        .isCloseTo(-2 * Math.atan(1 / 1e-2) / 1e-2, within(1e-7));
  }

  @Test
  void betaQuantileMatchesReferenceValues() {
    // scipy.stats.beta.ppf(q, 0.6, 0.6), computed with mpmath's betainc at 40 digits
    assertThat(SchedulerMath.betaPpf(0.9, 0.6, 0.6)).isCloseTo(0.9604155944112192, within(1e-13));
    assertThat(SchedulerMath.betaPpf(0.001, 0.6, 0.6)).isCloseTo(1.8558738517451997e-05, within(1e-15));
    assertThat(SchedulerMath.betaPpf(0.5, 0.6, 0.6)).isCloseTo(0.5, within(1e-15));
    assertThat(SchedulerMath.regularizedBeta(SchedulerMath.betaPpf(0.3, 2.5, 0.7), 2.5, 0.7))
        .isCloseTo(0.3, within(1e-13));
  }
}
