package io.diffuse4j.textencoder.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Proves that loading a tokenizer and tokenizing open no network connection, in a child JVM so
 * that the JVM-wide hooks of {@link NetworkProbe} do not leak into other tests.
 */
class NoNetworkTest {

  @Test
  void loadingAndTokenizingOpenNoSocketWhileTheHooksCatchDjlTelemetry() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", classpath, NetworkProbe.class.getName(),
        TestFiles.clipDir().toString());
    pb.environment().remove("OPT_OUT_TRACKING");
    pb.environment().remove("DJL_OFFLINE");
    pb.redirectErrorStream(true);
    Process process = pb.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("ids0=49406 ids1=320");
    assertThat(output).as("connection attempts while loading and tokenizing").contains("attempts=0 []");
    assertThat(output).as("system properties untouched").contains("tracking=null offline=null");
    // the control: DJL's callHome (EC2 metadata via URLConnection with Proxy.NO_PROXY) and a raw socket
    assertThat(output).containsPattern("control=([2-9]|\\d\\d) ").contains("Ec2Utils");
  }
}
