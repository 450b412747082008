package io.diffuse4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.pipeline.Device;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiRecordsTest {

  @Test
  void tensorChecksShapeAgainstData() {
    assertThatThrownBy(() -> FloatTensor.of(new float[5], 2, 3)).hasMessageContaining("holds 6 values");
    FloatTensor t = FloatTensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertThat(t.index(1, 2)).isEqualTo(5);
    assertThat(t.slice(1).data()).containsExactly(4, 5, 6);
    assertThat(FloatTensor.concat(t, t).shape()).containsExactly(4, 3);
    assertThat(t.firstNonFinite()).isEqualTo(-1);
    assertThat(FloatTensor.of(new float[] {0, Float.NaN}, 2).firstNonFinite()).isEqualTo(1);
    assertThat(t).isEqualTo(t.copy());
  }

  @Test
  void requestRejectsBadValuesNamingTheField() {
    assertThatThrownBy(() -> GenerationRequest.builder("x").steps(0).build()).hasMessageContaining("steps");
    assertThatThrownBy(() -> GenerationRequest.builder("x").guidanceScale(-1.0).build())
        .hasMessageContaining("guidance");
    assertThatThrownBy(() -> GenerationRequest.builder("x").width(0).build()).hasMessageContaining("width");
    assertThatThrownBy(() -> GenerationRequest.builder("x").height(-8).build()).hasMessageContaining("height");
    assertThatThrownBy(() -> GenerationRequest.builder("x").strength(1.5).build()).hasMessageContaining("strength");
    assertThatThrownBy(() -> GenerationRequest.builder("x").numImages(0).build()).hasMessageContaining("images");
    assertThatThrownBy(() -> GenerationRequest.builder("x").steps(0).build())
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("steps"));
    GenerationRequest r = GenerationRequest.builder("x").seed(7).build();
    assertThat(r.toBuilder().build()).isEqualTo(r);
  }

  @Test
  void primitiveSettersAndModelDefaults() {
    GenerationRequest r = GenerationRequest.builder("x").steps(20).guidanceScale(7).width(64).height(32).seed(3)
        .build();
    assertThat(r.steps()).isEqualTo(20);
    assertThat(r.guidanceScale()).isEqualTo(7.0);
    assertThat(r.seed()).isEqualTo(3L);
    GenerationRequest d = r.toBuilder().modelDefaults().seed((Long) null).build();
    assertThat(d.steps()).isNull();
    assertThat(d.guidanceScale()).isNull();
    assertThat(d.width()).isNull();
    assertThat(d.seed()).as("no seed: a random one per run").isNull();
    assertThat(GenerationRequest.builder("x").steps((Integer) null).build().steps()).isNull();
  }

  @Test
  void deviceParsing() {
    assertThat(Device.parse("cpu").isCpu()).isTrue();
    assertThat(Device.parse("cuda:1").index()).isEqualTo(1);
    assertThat(Device.parse("CUDA")).isEqualTo(new Device("cuda", 0, false));
    assertThatThrownBy(() -> Device.parse("tpu")).hasMessageContaining("use cpu, cuda or cuda:N");
    assertThatThrownBy(() -> Device.parse("cuda:x")).hasMessageContaining("must be a number");
  }

  @Test
  void schedulerConfigKeepsUnknownKeysAndDropsClassName() {
    SchedulerConfig c = SchedulerConfig.of("DDIMScheduler", Map.of("_class_name", "X", "my_key", 3));
    assertThat(c.has("_class_name")).isFalse();
    assertThat(c.get("my_key")).isEqualTo(3);
    assertThat(c.withClassName("EulerDiscreteScheduler").get("my_key")).isEqualTo(3);
    assertThat(c.with("a", 1).has("a")).isTrue();
  }
}
