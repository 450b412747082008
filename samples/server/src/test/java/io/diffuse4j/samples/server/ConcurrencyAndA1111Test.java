package io.diffuse4j.samples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two HTTP clients at once on the one shared pipeline, and the AUTOMATIC1111 endpoints' shapes
 * (png-info, options with a model switch, schedulers, sd-models).
 */
class ConcurrencyAndA1111Test {

  static DiffuseServer server;
  static Http http;

  @BeforeAll
  static void start() {
    server = DiffuseServer.start(ServerSettings.defaults().withPort(0).withModelsDir(Path.of("../../test-models")),
        w -> { });
    http = new Http(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static BufferedImage sdImage(Map<String, Object> body) throws Exception {
    Http.Reply r = http.post("/sdapi/v1/txt2img", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return JobApiTest.png(Base64.getDecoder().decode(r.json().get("images").get(0).asText()));
  }

  @Test
  void twoConcurrentClientsGetTheirOwnImagesAndCancellingOneSparesTheOther() throws Exception {
    Map<String, Object> a = Map.of("prompt", "a red circle on a blue background", "seed", 11, "steps", 12,
        "cfg_scale", 3, "sampler_name", "Euler a");
    Map<String, Object> b = Map.of("prompt", "a yellow square on a black background", "seed", 22, "steps", 12,
        "cfg_scale", 3, "sampler_name", "DPM++ 2M");
    BufferedImage refA = sdImage(a);
    BufferedImage refB = sdImage(b);

    CompletableFuture<BufferedImage> fa = CompletableFuture.supplyAsync(() -> call(a));
    CompletableFuture<BufferedImage> fb = CompletableFuture.supplyAsync(() -> call(b));
    JobApiTest.assertSamePixels(fa.get(120, TimeUnit.SECONDS), refA);
    JobApiTest.assertSamePixels(fb.get(120, TimeUnit.SECONDS), refB);

    // job API: one long job is cancelled while another runs beside it
    String keep = http.post("/api/jobs", Map.of("prompt", "a red circle on a blue background", "seed", 11, "steps", 12,
        "guidance", 3, "scheduler", "euler-a", "preview_every", 0)).json().get("id").asText();
    String doomed = http.post("/api/jobs", Map.of("prompt", "a green square", "seed", 3, "steps", 150)).json()
        .get("id").asText();
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<List<Http.Sse>> doomedEvents = CompletableFuture.supplyAsync(() -> http.events(doomed, e -> {
      if (e.event().equals("step")) {
        running.countDown();
      }
      return true;
    }));
    assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(http.delete("/api/jobs/" + doomed).status()).isEqualTo(200);
    List<Http.Sse> kept = http.events(keep, e -> true);
    assertThat(kept.get(kept.size() - 1).event()).isEqualTo("done");
    assertThat(doomedEvents.get(60, TimeUnit.SECONDS)).last().extracting(Http.Sse::event).isEqualTo("cancelled");
    JobApiTest.assertSamePixels(JobApiTest.png(http.bytes("/api/jobs/" + keep + "/images/0.png")), refA);
  }

  static BufferedImage call(Map<String, Object> body) {
    try {
      return sdImage(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void pngInfoReadsTheParametersBack() throws Exception {
    Http.Reply r = http.post("/sdapi/v1/txt2img", Map.of("prompt", "a red circle", "negative_prompt", "blur",
        "seed", 5, "steps", 4, "cfg_scale", 2.5));
    String b64 = r.json().get("images").get(0).asText();
    JsonNode info = http.post("/sdapi/v1/png-info", Map.of("image", "data:image/png;base64," + b64)).json();
    assertThat(info.get("info").asText()).startsWith("a red circle\nNegative prompt: blur\nSteps: 4");
    assertThat(info.get("parameters").get("Seed").asText()).isEqualTo("5");
    assertThat(info.get("parameters").get("Prompt").asText()).isEqualTo("a red circle");
    assertThat(info.get("parameters").get("Size-1").asText()).isEqualTo("64");
    assertThat(info.get("items").get("diffuse4j:seed").asText()).isEqualTo("5");
    JsonNode parsedInfo = Http.JSON.readTree(r.json().get("info").asText());
    assertThat(parsedInfo.get("infotexts").get(0).asText()).contains("Seed: 5", "CFG scale: 2.5");
    assertThat(r.json().get("parameters").get("negative_prompt").asText()).isEqualTo("blur");
  }

  @Test
  void optionsSwitchTheModelAndListingsHaveTheProtocolsShapes() {
    JsonNode models = http.get("/sdapi/v1/sd-models").json();
    assertThat(models.findValuesAsText("title")).contains("bundled", "sd15-tiny");
    assertThat(models.get(0).has("model_name")).isTrue();
    assertThat(models.get(0).has("filename")).isTrue();
    assertThat(models.toString()).doesNotContain("/work/").doesNotContain("test-models");
    JsonNode sched = http.get("/sdapi/v1/schedulers").json();
    assertThat(sched.findValuesAsText("label")).contains("Automatic", "Karras");

    Http.Reply unknown = http.post("/sdapi/v1/options", Map.of("sd_model_checkpoint", "../../etc/passwd"));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("detail").asText()).contains("Unknown model");

    try {
      assertThat(http.post("/sdapi/v1/options", Map.of("sd_model_checkpoint", "sd15-tiny")).status()).isEqualTo(200);
      assertThat(http.get("/sdapi/v1/options").json().get("sd_model_checkpoint").asText()).isEqualTo("sd15-tiny");
      Http.Reply r = http.post("/sdapi/v1/txt2img", Map.of("prompt", "a cat", "seed", 1, "steps", 2));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(Http.JSON.readTree(r.json().get("info").asText()).get("sd_model_name").asText())
          .isEqualTo("sd15-tiny");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      assertThat(http.post("/sdapi/v1/options", Map.of("sd_model_checkpoint", "bundled")).status()).isEqualTo(200);
    }
    assertThat(http.get("/api/info").json().get("model").asText()).isEqualTo("bundled");
  }

  @Test
  void karrasScheduleMapsToTheKarrasScheduler() throws Exception {
    Map<String, Object> named = Map.of("prompt", "a red circle", "seed", 3, "steps", 6, "sampler_name",
        "DPM++ 2M Karras");
    Map<String, Object> split = Map.of("prompt", "a red circle", "seed", 3, "steps", 6, "sampler_name", "DPM++ 2M",
        "scheduler", "Karras");
    JobApiTest.assertSamePixels(sdImage(named), sdImage(split));
    Http.Reply bad = http.post("/sdapi/v1/txt2img", Map.of("prompt", "x", "sampler_name", "DDIM", "scheduler",
        "Exponential"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("field").asText()).isEqualTo("scheduler");
  }
}
