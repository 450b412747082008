package io.diffuse4j.samples.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationParameters;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.ModelInfo;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * diffuse4j's own job API: {@code POST /api/jobs} queues a job and answers 202 at once;
 * {@code GET /api/jobs/{id}/events} streams its steps as server-sent events; {@code GET
 * /api/jobs/{id}} and {@code /api/jobs/{id}/images/{n}.png} give its results; {@code DELETE
 * /api/jobs/{id}} cancels it. {@code GET /api/info} describes the model, schedulers and limits;
 * {@code POST /api/model} switches the model.
 *
 * <p>Thread-safe.
 */
final class JobApi extends ServerApi {


  JobApi(ModelHost models, JobQueue queue, ObjectMapper json, ServerSettings settings) {
    super(models, queue, json, settings);
  }

  void register(RoutesConfig r) {
    r.get("/api/info", ctx -> send(ctx, 200, info()));
    r.post("/api/model", this::switchModel);
    r.post("/api/jobs", this::submit);
    r.get("/api/jobs", this::list);
    r.get("/api/jobs/{id}", ctx -> send(ctx, 200, status(queue.get(ctx.pathParam("id")))));
    r.delete("/api/jobs/{id}", this::cancel);
    r.post("/api/jobs/{id}/cancel", this::cancel);
    r.get("/api/jobs/{id}/images/{n}", this::image);
    r.sse("/api/jobs/{id}/events", this::events);
  }

  private void send(Context ctx, int status, Object body) throws Exception {
    ctx.status(status).contentType("application/json").result(json.writeValueAsString(body));
  }

  private ObjectNode info() {
    ObjectNode o = json.createObjectNode();
    ModelInfo m = models.with(p -> p.model());
    List<String> names = models.with(p -> p.schedulerNames());
    Samplers s = new Samplers(names);
    o.put("model", models.current());
    ArrayNode ms = o.putArray("models");
    models.catalogue().keySet().forEach(ms::add);
    ArrayNode sch = o.putArray("schedulers");
    for (String n : names) {
      sch.addObject().put("name", n).put("a1111", s.a1111Name(n));
    }
    ObjectNode d = o.putObject("defaults");
    d.put("width", m.defaultWidth()).put("height", m.defaultHeight()).put("steps", m.defaultSteps());
    d.put("guidance", m.defaultGuidance()).put("scheduler", m.defaultScheduler()).put("size_multiple", m.sizeMultiple());
    ObjectNode l = o.putObject("limits");
    l.put("max_side", settings.maxSide()).put("max_pixels", settings.maxPixels()).put("max_steps", settings.maxSteps());
    l.put("max_images", settings.maxImages()).put("max_body_bytes", settings.maxBodyBytes());
    l.put("workers", settings.workers()).put("max_queue", settings.maxQueue());
    ObjectNode q = o.putObject("queue");
    q.put("active", queue.active().size()).put("waiting", queue.waiting());
    return o;
  }

  private void switchModel(Context ctx) throws Exception {
    Fields f = Fields.parse(json, ctx.body(), settings);
    String name = f.string("name", null);
    if (name == null) {
      throw ApiException.badRequest("name", "name is required: one of " + String.join(", ",
          models.catalogue().keySet()));
    }
    models.switchTo(name);
    send(ctx, 200, info());
  }

  private void submit(Context ctx) throws Exception {
    Fields f = Fields.parse(json, ctx.body(), settings);
    GenerationRequest r = request(f);
    int every = (int) f.integer("preview_every", 1, 0, settings.maxSteps());
    Job job = queue.submit(List.of(r), every);
    ctx.header("Location", "/api/jobs/" + job.id);
    send(ctx, 202, status(job));
  }

  private GenerationRequest request(Fields f) {
    ModelInfo m = models.with(p -> p.model());
    String prompt = f.string("prompt", null);
    if (prompt == null) {
      throw ApiException.badRequest("prompt", "prompt is required");
    }
    long seed = f.integer("seed", -1, -1, Long.MAX_VALUE);
    GenerationRequest.Builder b = GenerationRequest.builder(prompt)
        .negativePrompt(f.string("negative_prompt", ""))
        .seed(seed == -1 ? Fields.randomSeed() : seed)
        .numImages((int) f.integer("images", 1, 1, settings.maxImages()))
        .eta(f.number("eta", 0, 0, 1));
    if (f.has("steps")) {
      b.steps((int) f.integer("steps", 0, 1, settings.maxSteps()));
    }
    if (f.has("guidance")) {
      b.guidanceScale(f.number("guidance", 0, 0, 100));
    }
    Integer w = f.side("width");
    Integer h = f.side("height");
    f.checkPixels(w != null ? w : m.defaultWidth(), h != null ? h : m.defaultHeight());
    b.width(w).height(h);
    String sched = f.string("scheduler", null);
    if (sched != null && !sched.isBlank()) {
      List<String> names = models.with(p -> p.schedulerNames());
      b.scheduler(names.contains(sched) ? sched : new Samplers(names).resolve(sched, null));
    }
    if (f.has("init_image")) {
      b.initImage(ImageCodec.decode("init_image", f.string("init_image", null), settings.maxSide(),
          settings.maxPixels()));
      b.strength(f.number("strength", 0.75, 0, 1));
    }
    if (f.has("mask")) {
      if (!f.has("init_image")) {
        throw ApiException.badRequest("mask", "mask needs an init_image to inpaint");
      }
      b.mask(ImageCodec.decode("mask", f.string("mask", null), settings.maxSide(), settings.maxPixels()));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(null, e.getMessage());
    }
  }

  private void list(Context ctx) throws Exception {
    ArrayNode a = json.createArrayNode();
    for (Job j : queue.all()) {
      a.add(status(j));
    }
    send(ctx, 200, a);
  }

  private void cancel(Context ctx) throws Exception {
    Job job = queue.get(ctx.pathParam("id"));
    job.cancel();
    send(ctx, 200, status(job));
  }

  private void image(Context ctx) throws Exception {
    Job job = queue.get(ctx.pathParam("id"));
    String n = ctx.pathParam("n").replaceFirst("\\.png$", "");
    List<GeneratedImage> images = job.images();
    int i;
    try {
      i = Integer.parseInt(n);
    } catch (NumberFormatException e) {
      throw ApiException.notFound("No image '" + n + "': images are numbered 0.." + (images.size() - 1));
    }
    if (i < 0 || i >= images.size()) {
      throw ApiException.notFound("Job " + job.id + " has " + images.size() + " image(s) (state "
          + job.state().name().toLowerCase(Locale.ROOT) + "), no image " + i);
    }
    ctx.contentType("image/png").header("Cache-Control", "no-store").result(ImageCodec.png(images.get(i)));
  }

  ObjectNode status(Job job) {
    ObjectNode o = json.createObjectNode();
    o.put("id", job.id);
    o.put("state", job.state().name().toLowerCase(Locale.ROOT));
    o.put("seed", job.runs.get(0).seed());
    GenerationRequest r0 = job.runs.get(0);
    o.put("mode", r0.initImage() == null ? "txt2img" : r0.mask() == null ? "img2img" : "inpaint");
    o.put("step", job.step());
    o.put("total", job.total());
    ArrayNode w = o.putArray("warnings");
    job.warnings().forEach(w::add);
    ApiException e = job.error();
    if (e != null) {
      o.set("error", error(e));
    }
    o.set("images", images(job));
    ObjectNode links = o.putObject("links");
    links.put("self", "/api/jobs/" + job.id).put("events", "/api/jobs/" + job.id + "/events");
    return o;
  }

  private ArrayNode images(Job job) {
    ArrayNode a = json.createArrayNode();
    List<GeneratedImage> images = job.images();
    for (int i = 0; i < images.size(); i++) {
      ObjectNode im = a.addObject();
      im.put("index", i);
      im.put("url", "/api/jobs/" + job.id + "/images/" + i + ".png");
      im.set("parameters", parameters(images.get(i).parameters()));
    }
    return a;
  }

  ObjectNode parameters(GenerationParameters p) {
    ObjectNode o = json.createObjectNode();
    o.put("prompt", p.prompt()).put("negative_prompt", p.negativePrompt()).put("seed", p.seed());
    o.put("steps", p.steps()).put("guidance", p.guidanceScale()).put("scheduler", p.scheduler());
    o.put("model", p.model()).put("width", p.width()).put("height", p.height());
    o.put("image_index", p.imageIndex());
    if (!Double.isNaN(p.strength())) {
      o.put("strength", p.strength());
    }
    return o;
  }

  ObjectNode error(ApiException e) {
    ObjectNode o = json.createObjectNode();
    o.put("error", e.code());
    o.put("detail", e.getMessage());
    if (e.field() != null) {
      o.put("field", e.field());
    }
    return o;
  }

  /** Streams a job's events; blocks this request's thread until the job ends or the client goes. */
  private void events(SseClient client) {
    Job job;
    try {
      job = queue.get(client.ctx().pathParam("id"));
    } catch (ApiException e) {
      client.sendEvent("failed", write(error(e)));
      return;
    }
    BlockingQueue<Job.Event> events = new LinkedBlockingQueue<>();
    Consumer<Job.Event> listener = events::add;
    job.subscribe(listener);
    try {
      while (!client.terminated()) {
        Job.Event e = events.poll(15, TimeUnit.SECONDS);
        if (e == null) {
          client.sendComment("keep-alive");
          continue;
        }
        client.sendEvent(e.type(), write(eventData(job, e)));
        if (e.type().equals("done") || e.type().equals("failed") || e.type().equals("cancelled")) {
          break;
        }
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    } finally {
      job.unsubscribe(listener);
    }
  }

  private ObjectNode eventData(Job job, Job.Event e) {
    ObjectNode o = json.createObjectNode();
    o.put("id", job.id);
    switch (e.type()) {
      case "state" -> o.put("state", e.message());
      case "step" -> {
        o.put("run", e.run()).put("step", e.step()).put("total", e.total());
        if (e.previews() != null) {
          ArrayNode p = o.putArray("previews");
          for (BufferedImage img : e.previews()) {
            p.add(ImageCodec.dataUrl(img));
          }
        }
      }
      case "warning" -> o.put("message", e.message());
      case "done" -> o.set("images", images(job));
      case "failed" -> o.setAll(error(job.error()));
      case "cancelled" -> o.put("step", e.step()).put("detail", e.message());
      default -> { }
    }
    return o;
  }

  private String write(Object o) {
    try {
      return json.writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
