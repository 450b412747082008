package io.diffuse4j.samples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.pipelines.Diffusion;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * An unmodified third-party AUTOMATIC1111 client, the npm package {@code stable-diffusion-api}
 * (pinned in src/test/node/package-lock.json, installed by npm into target/), against the server on
 * the bundled model: list samplers, txt2img and img2img with a seed, poll progress with a preview,
 * interrupt. The images it saves must equal what the library makes from the seed in {@code info}.
 */
class A1111ClientTest {

  static final Path NODE_SRC = Path.of("src/test/node");
  static final Path CLIENT = Path.of("target/a1111-client");

  static Path installClient() throws Exception {
    Files.createDirectories(CLIENT);
    for (String f : List.of("package.json", "package-lock.json", "a1111-client.js")) {
      Files.copy(NODE_SRC.resolve(f), CLIENT.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(CLIENT.resolve("node_modules/stable-diffusion-api"))) {
      run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), 300);
    }
    return CLIENT;
  }

  static String run(List<String> cmd, int seconds) throws Exception {
    Path log = Files.createTempFile(CLIENT, "run", ".log");
    Process p = new ProcessBuilder(cmd).directory(CLIENT.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
    String out = Files.readString(log, StandardCharsets.UTF_8);
    if (!ended) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in " + seconds + " s:\n" + out);
    }
    assertThat(p.exitValue()).as(String.join(" ", cmd) + " output:\n" + out).isZero();
    return out;
  }

  @Test
  void stableDiffusionApiNpmClientWorksUnchanged() throws Exception {
    installClient();
    Path out = CLIENT.resolve("out").toAbsolutePath();
    JsonNode s;
    try (DiffuseServer server = DiffuseServer.start(ServerSettings.defaults().withPort(0), w -> { })) {
      String output = run(List.of("node", "a1111-client.js", "http://127.0.0.1:" + server.port(), out.toString()), 240);
      String line = output.lines().filter(l -> l.startsWith("SUMMARY ")).findFirst()
          .orElseThrow(() -> new AssertionError("no summary in:\n" + output));
      s = Http.JSON.readTree(line.substring("SUMMARY ".length()));
    }
    assertThat(s.get("samplers").toString()).contains("\"Euler a\"", "\"DPM++ 2M\"", "\"DPM++ 2M Karras\"",
        "\"DDIM\"", "\"PLMS\"", "\"LMS\"", "\"Heun\"", "\"UniPC\"", "\"LCM\"");
    assertThat(s.get("current_model").asText()).isEqualTo("bundled");
    assertThat(s.get("txt2img_info").get("seed").asLong()).isEqualTo(1234);
    assertThat(s.get("txt2img_info").get("all_seeds").get(0).asLong()).isEqualTo(1234);
    assertThat(s.get("txt2img_info").get("sampler_name").asText()).isEqualTo("Euler a");

    try (DiffusionPipeline p = Diffusion.loadBundled()) {
      BufferedImage t2i = read(out.resolve("txt2img.png"));
      JobApiTest.assertSamePixels(t2i, p.generate(GenerationRequest.builder("a red circle on a blue background")
          .seed(1234).steps(8).guidanceScale(3.0).size(64, 64).scheduler("euler-a").build()).first().image());

      long seed = s.get("random_info").get("seed").asLong();
      assertThat(seed).isBetween(0L, 4294967294L);
      BufferedImage random = read(out.resolve("random.png"));
      JobApiTest.assertSamePixels(random, read(out.resolve("random-again.png")));
      JobApiTest.assertSamePixels(random, p.generate(GenerationRequest.builder("a green square on a white background")
          .seed(seed).steps(8).guidanceScale(3.0).size(64, 64).scheduler("dpm++2m-karras").build()).first().image());

      assertThat(s.get("img2img_info").get("seed").asLong()).isEqualTo(99);
      assertThat(s.get("img2img_info").get("denoising_strength").asDouble()).isEqualTo(0.6);
      JobApiTest.assertSamePixels(read(out.resolve("img2img.png")), p.generate(GenerationRequest.builder(
          "a red circle on a blue background").seed(99).steps(8).guidanceScale(3.0).size(64, 64).scheduler("ddim")
          .initImage(t2i).strength(0.6).build()).first().image());
    }

    JsonNode progress = s.get("progress");
    assertThat(progress).as("a progress poll with a preview image").isNotNull();
    assertThat(progress.get("progress").asDouble()).isBetween(0.0, 1.0);
    assertThat(progress.get("state").get("sampling_steps").asInt()).isEqualTo(150);
    assertThat(progress.get("current_image_size").get(0).asInt()).isEqualTo(64);
    assertThat(s.get("interrupted_info").get("interrupted").asBoolean()).isTrue();
    assertThat(s.get("interrupted_images").asInt()).isZero();
    assertThat(s.get("after_progress").asDouble()).isZero();
  }

  static BufferedImage read(Path p) throws IOException {
    BufferedImage img = ImageIO.read(p.toFile());
    assertThat(img).as(p.toString()).isNotNull();
    return img;
  }
}
