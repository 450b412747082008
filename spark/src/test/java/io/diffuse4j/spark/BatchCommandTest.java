package io.diffuse4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./diffuse batch} as the launcher runs it (the command, in this JVM, on local[2]). */
class BatchCommandTest {

  @TempDir
  Path tmp;

  private BatchSummary last;

  private int run(String... args) {
    BatchCommand command = new BatchCommand();
    int code = new CommandLine(command).execute(args);
    last = command.summary;
    return code;
  }

  @Test
  void generatesEveryRowThenResumesWithoutGeneratingAgain() throws IOException {
    Path in = tmp.resolve("prompts.csv");
    Files.writeString(in, "id,prompt,seed,steps\na,\"a red circle\",1,3\nb,\"a blue square\",2,3\nc,\"a green triangle\",3,3\n");
    Path out = tmp.resolve("out");
    assertThat(run("--input", in.toString(), "--output", out.toString(), "--master", "local[2]",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1")).isZero();
    assertThat(last.generated()).isEqualTo(3);
    try (Stream<Path> s = Files.list(out.resolve("images"))) {
      assertThat(s.count()).isEqualTo(3);
    }
    long modified = Files.getLastModifiedTime(out.resolve("images")).toMillis();
    assertThat(run("--input", in.toString(), "--output", out.toString(), "--master", "local[2]", "--resume",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1")).isZero();
    try (Stream<Path> s = Files.list(out.resolve("images"))) {
      assertThat(s.count()).as("no new image").isEqualTo(3);
    }
    assertThat(Files.getLastModifiedTime(out.resolve("images")).toMillis()).isEqualTo(modified);
    assertThat(last.generated()).isZero();
    assertThat(last.skipped()).isEqualTo(3);
  }

  @Test
  void badArgumentsExitTwoBeforeSparkStarts() {
    assertThat(run("--input", tmp.resolve("missing.csv").toString(), "--output", tmp.toString())).isEqualTo(2);
    assertThat(run("--output", tmp.toString())).isEqualTo(2);
  }
}
