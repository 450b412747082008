package io.diffuse4j.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.noise.NoiseKind;
import io.diffuse4j.api.noise.NoiseSourceFactory;
import org.junit.jupiter.api.Test;

class DefaultNoiseSourceFactoryTest {

  private final NoiseSourceFactory factory = new DefaultNoiseSourceFactory();

  @Test
  void eachKindGivesItsGenerator() {
    assertThat(factory.create(NoiseKind.TORCH, 9)).isInstanceOf(TorchCpuNoise.class);
    assertThat(factory.create(NoiseKind.NUMPY, 9)).isInstanceOf(NumpyRandomStateNoise.class);
    assertThat(factory.create(NoiseKind.TORCH, 9).randn(1, 4, 4, 4))
        .isEqualTo(new TorchCpuNoise(9).randn(1, 4, 4, 4));
    assertThat(factory.create(NoiseKind.NUMPY, 9).randn(1, 4, 4, 4))
        .isEqualTo(new NumpyRandomStateNoise(9).randn(1, 4, 4, 4));
    assertThat(factory.create(NoiseKind.TORCH, 9).randn(64).data())
        .isNotEqualTo(factory.create(NoiseKind.NUMPY, 9).randn(64).data());
  }

  @Test
  void rejectsAMissingKind() {
    assertThatThrownBy(() -> factory.create(null, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NoiseKind.TORCH");
  }
}
