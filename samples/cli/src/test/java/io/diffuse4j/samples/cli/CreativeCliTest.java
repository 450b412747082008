package io.diffuse4j.samples.cli;

import static io.diffuse4j.samples.cli.DiffuseCliTest.MODEL;
import static io.diffuse4j.samples.cli.DiffuseCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --lora FILE[:SCALE], --lora-dir with <lora:NAME:SCALE>, --embedding and --clip-skip from the command line. */
class CreativeCliTest {

  static final Path ADAPTERS = Path.of("..", "..", "test-models", "adapters").toAbsolutePath().normalize();

  private static BufferedImage generate(Path out, String... extra) throws Exception {
    String[] base = {"generate", "--model", MODEL, "--steps", "2", "--scheduler", "ddim", "--seed", "1", "--width", "64", "--height",
        "64", "--output", out.toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    DiffuseCliTest.Run r = run(args);
    assertThat(r.code()).as(r.err()).isZero();
    return ImageIO.read(out.toFile());
  }

  private static boolean same(BufferedImage a, BufferedImage b) {
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        if (a.getRGB(x, y) != b.getRGB(x, y)) {
          return false;
        }
      }
    }
    return true;
  }

  @Test
  void loraFromFileAndFromPromptTagAgree(@TempDir Path dir) throws Exception {
    BufferedImage plain = generate(dir.resolve("plain.png"), "--prompt", "a red circle");
    BufferedImage file = generate(dir.resolve("file.png"), "--prompt", "a red circle",
        "--lora", ADAPTERS.resolve("sd15-a-kohya.safetensors") + ":0.5");
    BufferedImage tag = generate(dir.resolve("tag.png"), "--prompt", "a red circle <lora:sd15-a-kohya:0.5>",
        "--lora-dir", ADAPTERS.toString());
    assertThat(same(plain, file)).isFalse();
    assertThat(same(file, tag)).isTrue();
  }

  @Test
  void badLoraScaleAndClipSkipAreNamed(@TempDir Path dir) {
    DiffuseCliTest.Run r = run("generate", "--model", MODEL, "--prompt", "x", "--output", dir.resolve("x.png").toString(),
        "--lora", "ink.safetensors:lots");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("--lora ink.safetensors:lots");
    r = run("generate", "--model", MODEL, "--prompt", "x", "--output", dir.resolve("x.png").toString(), "--clip-skip", "0");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("--clip-skip");
  }

  @Test
  void embeddingNameIsUsableInThePrompt(@TempDir Path dir) throws Exception {
    BufferedImage without = generate(dir.resolve("a.png"), "--prompt", "a wavestyle circle");
    BufferedImage with = generate(dir.resolve("b.png"), "--prompt", "a wavestyle circle", "--embedding",
        ADAPTERS.resolve("wavestyle.safetensors").toString());
    assertThat(same(without, with)).isFalse();
  }
}
