package io.diffuse4j.samples.cli;

import static io.diffuse4j.samples.cli.DiffuseCliTest.MODEL;
import static io.diffuse4j.samples.cli.DiffuseCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code diffuse manifest DIR} and {@code generate --verify} (issue #13). */
class VerifyCliTest {

  private static Path copy(Path to) throws IOException {
    return DiffuseCliTest.copyModel(to);
  }

  @Test
  void manifestThenVerifyRefusesAFlippedByteNamingTheFile(@TempDir Path tmp) throws Exception {
    Path model = copy(tmp.resolve("m"));
    Path out = tmp.resolve("o.png");
    DiffuseCliTest.Run none = run("generate", "--model", model.toString(), "--verify", "--prompt", "x", "--output",
        out.toString());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("no SHA256SUMS").contains("diffuse manifest " + model);

    DiffuseCliTest.Run made = run("manifest", model.toString());
    assertThat(made.code()).as(made.err()).isZero();
    assertThat(made.out()).contains("15 files");
    assertThat(run("manifest", "--check", model.toString()).code()).isZero();
    DiffuseCliTest.Run ok = run("generate", "--model", model.toString(), "--verify", "--prompt", "x", "--steps", "1",
        "--output", out.toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(out).exists();

    Path vae = model.resolve("vae_decoder/model.onnx");
    byte[] b = Files.readAllBytes(vae);
    b[(int) (b.length * 0.7)] ^= 0x10;
    Files.write(vae, b);
    Path out2 = tmp.resolve("o2.png");
    DiffuseCliTest.Run bad = run("generate", "--model", model.toString(), "--verify", "--prompt", "x", "--steps", "1",
        "--output", out2.toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains(vae.toString()).contains("SHA-256").doesNotContain("Exception");
    assertThat(out2).doesNotExist();
    DiffuseCliTest.Run check = run("manifest", "--check", model.toString());
    assertThat(check.code()).isEqualTo(1);
    assertThat(check.err()).contains(vae.toString());
  }
}
