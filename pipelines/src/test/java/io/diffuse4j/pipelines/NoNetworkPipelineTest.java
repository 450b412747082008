package io.diffuse4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Loading a model and generating open no socket (DJL's telemetry and downloads stay off). */
class NoNetworkPipelineTest {

  @Test
  void loadAndGenerateOpenNoSocket() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", cp, PipelineNetworkProbe.class.getName(),
        TestModels.dir("sd15-tiny").toString());
    pb.environment().remove("OPT_OUT_TRACKING");
    pb.environment().remove("DJL_OFFLINE");
    pb.redirectErrorStream(true);
    Process process = pb.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out).contains("images=1");
    assertThat(out).as("connection attempts during load and generation").contains("attempts=0 []");
    assertThat(out).as("the hook must see a real connection attempt").contains("control=1");
  }
}
