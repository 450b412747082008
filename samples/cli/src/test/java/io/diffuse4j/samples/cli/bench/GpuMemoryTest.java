package io.diffuse4j.samples.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** nvidia-smi's compute-apps listing, read for one process. */
class GpuMemoryTest {

  @Test
  void sumsTheProcessesLinesAndIgnoresOthers() {
    String csv = "4711, 1532\n99, 20480\n4711, 512\n";
    assertThat(GpuMemory.parse(csv, 4711)).hasValue(2044.0);
    assertThat(GpuMemory.parse(csv, 99)).hasValue(20480.0);
  }

  @Test
  void noLineForTheProcessOrNoFigureIsEmptyNotZero() {
    assertThat(GpuMemory.parse("99, 20480\n", 4711)).isEmpty();
    assertThat(GpuMemory.parse("4711, [N/A]\n", 4711)).isEmpty();
    assertThat(GpuMemory.parse("", 4711)).isEmpty();
    assertThat(GpuMemory.parse("No devices were found\r\n", 4711)).isEmpty();
    assertThat(GpuMemory.parse("pid, used_memory [MiB]\r\n4711, 300\r\n", 4711)).hasValue(300.0);
  }

  @Test
  void aProcessWithoutACudaContextHasNoFigureWhetherOrNotNvidiaSmiIsInstalled() {
    // this JVM never created a CUDA context: on a machine without nvidia-smi the query cannot start,
    // on one with it the listing does not name this process; either way no figure, and no exception
    OptionalDouble mine = GpuMemory.usedMb(ProcessHandle.current().pid());
    assertThat(mine).isEmpty();
  }
}
