package io.diffuse4j.samples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** diffuse4j's job API on the bundled model: round trip, SSE order, cancel, limits and JSON errors. */
class JobApiTest {

  static DiffuseServer server;
  static Http http;

  @BeforeAll
  static void start() {
    server = DiffuseServer.start(ServerSettings.defaults().withPort(0).withMaxBodyBytes(256 * 1024), w -> { });
    http = new Http(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static BufferedImage png(byte[] b) throws Exception {
    return ImageIO.read(new ByteArrayInputStream(b));
  }

  static void assertSamePixels(BufferedImage a, BufferedImage b) {
    assertThat(a.getWidth()).isEqualTo(b.getWidth());
    assertThat(a.getHeight()).isEqualTo(b.getHeight());
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        assertThat(a.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(b.getRGB(x, y));
      }
    }
  }

  @Test
  void jobRoundTripStreamsEveryStepInOrderAndResultsCarryTheirParameters() throws Exception {
    Http.Reply r = http.post("/api/jobs", Map.of("prompt", "a red circle on a blue background", "seed", 7,
        "steps", 6, "images", 2, "preview_every", 2));
    assertThat(r.status()).isEqualTo(202);
    String id = r.json().get("id").asText();
    List<Http.Sse> events = http.events(id, e -> true);

    List<Integer> steps = new ArrayList<>();
    List<Integer> withPreviews = new ArrayList<>();
    for (Http.Sse e : events) {
      if (e.event().equals("step")) {
        steps.add(e.data().get("step").asInt());
        assertThat(e.data().get("total").asInt()).isEqualTo(6);
        if (e.data().has("previews")) {
          withPreviews.add(e.data().get("step").asInt());
          String url = e.data().get("previews").get(0).asText();
          assertThat(url).startsWith("data:image/png;base64,");
          BufferedImage pv = png(java.util.Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1)));
          assertThat(pv.getWidth()).as("previews at image resolution").isEqualTo(64);
        }
      }
    }
    assertThat(events.get(0).event()).isEqualTo("state");
    assertThat(steps).containsExactly(1, 2, 3, 4, 5, 6);
    // previews every 2 steps (a late subscriber is replayed the steps it missed with only the latest preview)
    assertThat(withPreviews).isSubsetOf(2, 4, 6).contains(6);
    Http.Sse done = events.get(events.size() - 1);
    assertThat(done.event()).isEqualTo("done");
    JsonNode images = done.data().get("images");
    assertThat(images).hasSize(2);

    JsonNode status = http.get("/api/jobs/" + id).json();
    assertThat(status.get("state").asText()).isEqualTo("done");
    byte[] file = http.bytes(images.get(1).get("url").asText());
    Map<String, String> text = PngText.read(file);
    assertThat(text).containsEntry("diffuse4j:seed", "7").containsEntry("diffuse4j:steps", "6")
        .containsEntry("diffuse4j:image_index", "1").containsEntry("diffuse4j:prompt", "a red circle on a blue background");

    // the same request again gives the same pixels
    String id2 = http.post("/api/jobs", Map.of("prompt", "a red circle on a blue background", "seed", 7, "steps", 6,
        "images", 2, "preview_every", 0)).json().get("id").asText();
    List<Http.Sse> again = http.events(id2, e -> true);
    assertThat(again.stream().filter(e -> e.event().equals("step")).noneMatch(e -> e.data().has("previews"))).isTrue();
    assertSamePixels(png(http.bytes("/api/jobs/" + id2 + "/images/1.png")), png(file));
  }

  @Test
  void warningsArriveAsEvents() {
    String id = http.post("/api/jobs", Map.of("prompt", "a red circle on a blue zorblax", "seed", 1, "steps", 2))
        .json().get("id").asText();
    List<Http.Sse> events = http.events(id, e -> true);
    assertThat(events).filteredOn(e -> e.event().equals("warning")).isNotEmpty()
        .allSatisfy(e -> assertThat(e.data().get("message").asText()).contains("zorblax"));
    assertThat(http.get("/api/jobs/" + id).json().get("warnings").get(0).asText()).contains("zorblax");
  }

  @Test
  void cancelStopsWithinOneStep() {
    String id = http.post("/api/jobs", Map.of("prompt", "a green square", "seed", 1, "steps", 60)).json()
        .get("id").asText();
    AtomicInteger stepAtCancel = new AtomicInteger(-1);
    List<Http.Sse> events = http.events(id, e -> {
      if (e.event().equals("step") && e.data().get("step").asInt() == 2 && stepAtCancel.get() < 0) {
        Http.Reply c = http.delete("/api/jobs/" + id);
        assertThat(c.status()).isEqualTo(200);
        stepAtCancel.set(c.json().get("step").asInt());
      }
      return true;
    });
    Http.Sse last = events.get(events.size() - 1);
    assertThat(last.event()).isEqualTo("cancelled");
    assertThat(last.data().get("step").asInt()).isBetween(2, stepAtCancel.get() + 1);
    assertThat(http.get("/api/jobs/" + id).json().get("state").asText()).isEqualTo("cancelled");
    assertThat(http.get("/api/jobs/" + id).json().get("images")).isEmpty();
  }

  @Test
  void badRequestsGetJsonErrorsNamingTheProblem() {
    Http.Reply badJson = http.post("/api/jobs", "{\"prompt\": ");
    assertThat(badJson.status()).isEqualTo(400);
    assertThat(badJson.json().get("error").asText()).isEqualTo("invalid_request");
    assertThat(badJson.json().get("detail").asText()).contains("not valid JSON");

    Http.Reply huge = http.post("/api/jobs", Map.of("prompt", "x", "width", 100000, "height", 64));
    assertThat(huge.status()).isEqualTo(400);
    assertThat(huge.json().get("field").asText()).isEqualTo("width");
    assertThat(huge.json().get("detail").asText()).contains("100000").contains("2048");

    Http.Reply pixels = http.post("/sdapi/v1/txt2img", Map.of("prompt", "x", "width", 2048, "height", 2048,
        "batch_size", 16, "n_iter", 16));
    assertThat(pixels.status()).isEqualTo(400);
    assertThat(pixels.json().get("detail").asText()).contains("batch_size x n_iter");

    Http.Reply multiple = http.post("/api/jobs", Map.of("prompt", "x", "width", 60, "height", 64));
    String id = multiple.json().get("id").asText();
    List<Http.Sse> ev = http.events(id, e -> true);
    assertThat(ev.get(ev.size() - 1).event()).isEqualTo("failed");
    assertThat(ev.get(ev.size() - 1).data().get("detail").asText()).contains("multiples of 16");

    Http.Reply scheduler = http.post("/api/jobs", Map.of("prompt", "x", "scheduler", "warp-drive"));
    assertThat(scheduler.status()).isEqualTo(400);
    assertThat(scheduler.json().get("detail").asText()).contains("warp-drive").contains("Euler a");

    Http.Reply image = http.post("/api/jobs", Map.of("prompt", "x", "init_image", "bm90IGFuIGltYWdl"));
    assertThat(image.status()).isEqualTo(400);
    assertThat(image.json().get("field").asText()).isEqualTo("init_image");

    Http.Reply tooBig = http.postBytes("/api/jobs", new byte[300 * 1024]);
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.json().get("detail").asText()).contains("262144 bytes");

    Http.Reply missing = http.get("/api/jobs/99999");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("error").asText()).isEqualTo("not_found");

    for (Http.Reply r : List.of(badJson, huge, pixels, scheduler, image, tooBig, missing)) {
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void aFullQueueAnswers429() {
    try (DiffuseServer small = DiffuseServer.start(ServerSettings.defaults().withPort(0).withQueue(1, 1), w -> { })) {
      Http h = new Http(small.port());
      List<String> ids = new ArrayList<>();
      Http.Reply refused = null;
      for (int i = 0; i < 4 && refused == null; i++) {
        Http.Reply r = h.post("/api/jobs", Map.of("prompt", "a blue triangle", "steps", 100, "seed", i));
        if (r.status() == 429) {
          refused = r;
        } else {
          assertThat(r.status()).isEqualTo(202);
          ids.add(r.json().get("id").asText());
        }
      }
      assertThat(refused).as("one running + one waiting, then 429").isNotNull();
      assertThat(ids).hasSize(2);
      assertThat(refused.json().get("error").asText()).isEqualTo("queue_full");
    assertThat(refused.json().get("detail").asText()).contains("queue is full");
      ids.forEach(id -> h.delete("/api/jobs/" + id));
      assertThat(h.events(ids.get(1), e -> true)).last().extracting(Http.Sse::event).isEqualTo("cancelled");
    }
  }
}
