package io.diffuse4j.schedulers.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.conformance.AddNoiseConformance;
import io.diffuse4j.conformance.SchedulerConformance;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.DdimScheduler;
import io.diffuse4j.schedulers.EulerDiscreteScheduler;
import io.diffuse4j.schedulers.SchedulerConfigJson;
import io.diffuse4j.schedulers.Schedulers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every built-in scheduler promises, whatever its math: its config round-trips through
 * {@code scheduler_config.json} and holds every key diffusers writes for the class; it can be
 * re-created from another scheduler's config (diffusers' {@code from_config}: shared keys carry
 * over, its own keys take their defaults); it replays its diffusers conformance cases; it refuses
 * bad {@code beta_schedule}, {@code timestep_spacing} and {@code prediction_type} values with an
 * {@link IllegalArgumentException} naming the key and the value; its provider is registered.
 * One subclass per scheduler; plugins extend it too (it ships in the conformance module's
 * test-jar, the scheduler contract test kit), supplying {@link #caseRoot()} for their own cases.
 *
 * <p>The cases of a class are every file under {@code schedulers/<class name>/} (step-loop
 * cases) and {@code add-noise/<class name>/} (image-to-image noising cases) of the case root.
 *
 * <pre>{@code
 * class MySchedulerContractTest extends AbstractSchedulerContractTest {
 *   protected String className() { return "MyScheduler"; }
 *   protected String providerName() { return "my"; }
 *   protected Function<SchedulerConfig, Scheduler> factory() { return MyScheduler::new; }
 *   protected Path caseRoot() { return Path.of("src/test/resources/conformance"); }
 * }
 * }</pre>
 *
 * <p>Each test method uses its own schedulers: subclasses may run in parallel.
 */
public abstract class AbstractSchedulerContractTest {

  /** The SD 1.x keys most model configs carry. */
  protected static final Map<String, Object> SD = Map.of("beta_start", 0.00085, "beta_end", 0.012, "beta_schedule",
      "scaled_linear", "steps_offset", 1L, "num_train_timesteps", 1000L);

  static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** diffusers' class name. */
  protected abstract String className();

  /** The registered short name (its provider has no overrides). */
  protected abstract String providerName();

  /** Builds the scheduler. */
  protected abstract Function<SchedulerConfig, Scheduler> factory();

  /**
   * The folder holding {@code schedulers/<class>/} and {@code add-noise/<class>/}: by default the
   * cases of the conformance module ({@code conformance/cases}, a test resource here).
   */
  protected Path caseRoot() throws Exception {
    return Path.of(AbstractSchedulerContractTest.class.getResource("/conformance").toURI());
  }

  /** The schedulers the conformance runners resolve case configs with (default: the built-ins). */
  protected Schedulers schedulers() {
    return Schedulers.builtIn();
  }

  /** Whether the class reads timestep_spacing (LCM ignores it, as diffusers does). */
  protected boolean readsTimestepSpacing() {
    return true;
  }

  Scheduler create(Map<String, Object> values) {
    return factory().apply(SchedulerConfig.of(className(), values));
  }

  @Test
  void configRoundTripsThroughSchedulerConfigJson() {
    Map<String, Object> given = new LinkedHashMap<>(SD);
    given.put("prediction_type", "v_prediction");
    given.put("trained_betas", null);
    Scheduler s = create(given);
    String json = SchedulerConfigJson.toJson(s.config());
    SchedulerConfig back = SchedulerConfigJson.parse(json);
    assertThat(back.className()).isEqualTo(className());
    assertThat(back.values()).isEqualTo(s.config().values());
    Scheduler again = factory().apply(back);
    assertThat(again.config()).isEqualTo(s.config());
    s.setTimesteps(12);
    again.setTimesteps(12);
    assertThat(again.timesteps()).containsExactly(s.timesteps());
    assertThat(again.initNoiseSigma()).isEqualTo(s.initNoiseSigma());
  }

  @Test
  void effectiveConfigHoldsEveryKeyDiffusersWrites() throws Exception {
    Scheduler defaults = create(Map.of());
    int checked = 0;
    for (Path p : caseFiles()) {
      JsonNode cfg = JSON.readTree(p.toFile()).get("scheduler_config");
      for (Iterator<String> it = cfg.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!key.startsWith("_")) {
          assertThat(defaults.config().values()).as("%s: key %s of %s", className(), key, p.getFileName())
              .containsKey(key);
          checked++;
        }
      }
    }
    assertThat(checked).isPositive();
  }

  @Test
  void recreatedFromAnotherSchedulersConfig() {
    SchedulerConfig other = DdimScheduler.CLASS_NAME.equals(className())
        ? new EulerDiscreteScheduler(SchedulerConfig.of(EulerDiscreteScheduler.CLASS_NAME, SD)).config()
        : new DdimScheduler(SchedulerConfig.of(DdimScheduler.CLASS_NAME, SD)).config();
    Scheduler s = factory().apply(other.withClassName(className()));
    assertThat(s.config().className()).isEqualTo(className());
    // shared keys carry over
    for (String key : List.of("beta_start", "beta_end", "beta_schedule", "num_train_timesteps")) {
      assertThat(s.config().get(key)).as(key).isEqualTo(other.get(key));
    }
    // this class's own keys are there with their defaults
    for (String key : create(Map.of()).config().values().keySet()) {
      assertThat(s.config().has(key)).as("own key %s", key).isTrue();
    }
    // foreign keys are kept for the round trip
    assertThat(s.config().values().keySet()).containsAll(other.values().keySet());
    // and the schedule is the one of the shared keys
    Map<String, Object> shared = new LinkedHashMap<>();
    for (String key : other.values().keySet()) {
      if (create(Map.of()).config().has(key)) {
        shared.put(key, other.get(key));
      }
    }
    Scheduler direct = create(shared);
    s.setTimesteps(10);
    direct.setTimesteps(10);
    assertThat(s.timesteps()).containsExactly(direct.timesteps());
    assertThat(s.initNoiseSigma()).isEqualTo(direct.initNoiseSigma());
  }

  @Test
  void conformanceCasesPass() throws Exception {
    List<Path> files = caseFiles();
    assertThat(files).as("conformance cases of " + className()).isNotEmpty();
    for (Path p : files) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
      boolean ok = p.getParent().getParent().getFileName().toString().equals("add-noise")
          ? AddNoiseConformance.run(p, schedulers(), out)
          : SchedulerConformance.run(p, schedulers(), out);
      String text = buf.toString(StandardCharsets.UTF_8);
      System.out.print(text);
      assertThat(ok).as(text).isTrue();
      assertThat(text).startsWith("PASS");
    }
  }

  /** This class's case files: everything under {@code schedulers/<class>/} and {@code add-noise/<class>/}. */
  protected List<Path> caseFiles() throws Exception {
    List<Path> out = new ArrayList<>();
    for (String kind : List.of("schedulers", "add-noise")) {
      Path dir = caseRoot().resolve(kind).resolve(className());
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.walk(dir)) {
          out.addAll(s.filter(f -> f.toString().endsWith(".json")).sorted().toList());
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"beta_schedule", "timestep_spacing", "prediction_type"})
  void refusesBadValues(String key) {
    Map<String, Object> bad = new LinkedHashMap<>(SD);
    bad.put(key, "bogus_value");
    if ("timestep_spacing".equals(key) && !readsTimestepSpacing()) {
      assertThatCode(() -> run(bad)).doesNotThrowAnyException();
      return;
    }
    assertThatThrownBy(() -> run(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key)
        .hasMessageContaining("bogus_value");
  }

  /** Construction, setTimesteps and every step: where diffusers may refuse. */
  private void run(Map<String, Object> values) {
    Scheduler s = create(values);
    s.setTimesteps(4);
    FloatTensor x = FloatTensor.of(new float[] {0.5f, -1f, 0.25f, 2f}, 1, 1, 2, 2);
    StepContext ctx = StepContext.of(shape -> FloatTensor.zeros(shape));
    for (double t : s.timesteps()) {
      FloatTensor in = s.scaleModelInput(x, t);
      x = s.step(in, t, x, ctx);
    }
  }

  @Test
  void providerIsRegistered() {
    Schedulers all = schedulers();
    assertThat(all.names()).contains(providerName());
    Scheduler s = all.create(providerName(), SchedulerConfig.of("SomethingElse", SD));
    assertThat(s.config().className()).isEqualTo(className());
    assertThat(all.create(className(), SchedulerConfig.of(className(), SD)).config().className())
        .isEqualTo(className());
  }
}
