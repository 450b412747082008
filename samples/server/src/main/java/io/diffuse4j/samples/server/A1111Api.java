package io.diffuse4j.samples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationParameters;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.ModelInfo;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AUTOMATIC1111 web UI's {@code /sdapi/v1} protocol on the shared pipeline: same paths, field
 * names and JSON shapes, so clients written for that tool work unchanged. Which fields are
 * honoured and which are accepted and ignored is listed in {@code docs/server.md}.
 *
 * <p>Thread-safe.
 */
final class A1111Api extends ServerApi {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);

  /** sdapi jobs not yet finished, oldest first; progress reports the newest running one. */
  private final List<Job> running = new CopyOnWriteArrayList<>();
  private final Map<String, Object> options = new ConcurrentHashMap<>();
  private volatile Job last;
  private volatile String lastStamp = "";

  A1111Api(ModelHost models, JobQueue queue, ObjectMapper json, ServerSettings settings) {
    super(models, queue, json, settings);
  }

  void register(RoutesConfig r) {
    r.post("/sdapi/v1/txt2img", ctx -> generate(ctx, false));
    r.post("/sdapi/v1/img2img", ctx -> generate(ctx, true));
    r.get("/sdapi/v1/samplers", this::samplers);
    r.get("/sdapi/v1/schedulers", this::schedulers);
    r.get("/sdapi/v1/sd-models", this::sdModels);
    r.post("/sdapi/v1/refresh-checkpoints", ctx -> send(ctx, json.nullNode()));
    r.get("/sdapi/v1/options", this::getOptions);
    r.post("/sdapi/v1/options", this::setOptions);
    r.get("/sdapi/v1/progress", this::progress);
    r.post("/sdapi/v1/interrupt", this::interrupt);
    r.post("/sdapi/v1/png-info", this::pngInfo);
  }

  private void send(Context ctx, JsonNode body) throws Exception {
    ctx.contentType("application/json").result(json.writeValueAsString(body));
  }

  private Samplers samplers() {
    return models.with(p -> new Samplers(p.schedulerNames()));
  }

  // ---- generation ----

  /** What one sdapi request asks for. */
  private record Spec(List<GenerationRequest> runs, long seed, String sampler, int batchSize) {}

  private void generate(Context ctx, boolean img2img) throws Exception {
    Fields f = Fields.parse(json, ctx.body(), settings);
    applyOverrides(f);
    Spec spec = spec(f, img2img);
    Job job = queue.submit(spec.runs(), 1);
    running.add(job);
    last = job;
    lastStamp = LocalDateTime.now().format(STAMP);
    try {
      job.finished().join();
    } finally {
      running.remove(job);
    }
    if (job.state() == Job.State.FAILED) {
      throw job.error();
    }
    List<GeneratedImage> images = job.images();
    ObjectNode out = json.createObjectNode();
    ArrayNode imgs = out.putArray("images");
    if (f.bool("send_images", true)) {
      for (GeneratedImage g : images) {
        imgs.add(ImageCodec.base64(ImageCodec.png(g)));
      }
    }
    out.set("parameters", f.node());
    out.put("info", json.writeValueAsString(info(f, spec, images, job)));
    send(ctx, out);
  }

  private void applyOverrides(Fields f) {
    JsonNode o = f.node().get("override_settings");
    if (o != null && o.isObject() && o.hasNonNull("sd_model_checkpoint")) {
      models.switchTo(modelName(o.get("sd_model_checkpoint").asText()));
    }
  }

  private Spec spec(Fields f, boolean img2img) {
    ModelInfo m = models.with(p -> p.model());
    String prompt = f.string("prompt", "");
    String negative = f.string("negative_prompt", "");
    long seed = f.integer("seed", -1, -1, Long.MAX_VALUE);
    if (seed == -1) {
      seed = Fields.randomSeed();
    }
    int batch = (int) f.integer("batch_size", 1, 1, settings.maxImages());
    int iter = (int) f.integer("n_iter", 1, 1, settings.maxImages());
    if (batch * iter > settings.maxImages()) {
      throw ApiException.badRequest("batch_size", "batch_size x n_iter = " + batch * iter + " is more than this"
          + " server's " + settings.maxImages() + " images a request");
    }
    Integer steps = f.has("steps") ? (int) f.integer("steps", 0, 1, settings.maxSteps()) : null;
    Double cfg = f.has("cfg_scale") ? f.number("cfg_scale", 0, 0, 100) : null;
    Integer width = f.side("width");
    Integer height = f.side("height");
    f.checkPixels(width != null ? width : m.defaultWidth(), height != null ? height : m.defaultHeight());
    String samplerName = f.has("sampler_name") ? f.string("sampler_name", null) : f.string("sampler_index", null);
    String scheduler = samplers().resolve(samplerName, f.string("scheduler", null));
    JsonNode o = f.node().get("override_settings");
    double etaDefault = o != null && o.isObject() && o.has("eta_ddim") ? o.get("eta_ddim").asDouble() : 0;
    double eta = f.number("eta", etaDefault, 0, 1);
    List<BufferedImage> inits = List.of();
    BufferedImage mask = null;
    double strength = 0.75;
    if (img2img) {
      JsonNode arr = f.node().get("init_images");
      if (arr == null || !arr.isArray() || arr.isEmpty()) {
        throw ApiException.badRequest("init_images", "img2img needs init_images: a list of base64 images");
      }
      inits = new ArrayList<>();
      for (int i = 0; i < arr.size(); i++) {
        if (!arr.get(i).isTextual()) {
          throw ApiException.badRequest("init_images", "init_images[" + i + "] must be a base64 string");
        }
        inits.add(ImageCodec.decode("init_images[" + i + "]", arr.get(i).asText(), settings.maxSide(),
            settings.maxPixels()));
      }
      strength = f.number("denoising_strength", 0.75, 0, 1);
      if (f.has("mask")) {
        mask = ImageCodec.decode("mask", f.string("mask", null), settings.maxSide(), settings.maxPixels());
        if (f.bool("inpainting_mask_invert", false)) {
          mask = Masks.invert(mask);
        }
        int blur = (int) f.integer("mask_blur", 4, 0, 64);
        mask = Masks.blur(mask, blur);
      }
    }
    List<GenerationRequest> runs = new ArrayList<>();
    for (int i = 0; i < batch * iter; i++) {
      GenerationRequest.Builder b = GenerationRequest.builder(prompt).negativePrompt(negative).seed(seed + i)
          .steps(steps).guidanceScale(cfg).width(width).height(height).scheduler(scheduler).eta(eta);
      if (img2img) {
        b.initImage(inits.get(i % inits.size())).strength(strength).mask(mask);
      }
      try {
        runs.add(b.build());
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(null, e.getMessage());
      }
    }
    return new Spec(runs, seed, samplerName, batch);
  }

  private ObjectNode info(Fields f, Spec spec, List<GeneratedImage> images, Job job) {
    ModelInfo m = models.with(p -> p.model());
    Samplers s = samplers();
    ObjectNode info = json.createObjectNode();
    GenerationParameters first = images.isEmpty() ? null : images.get(0).parameters();
    String prompt = f.string("prompt", "");
    String negative = f.string("negative_prompt", "");
    int n = spec.runs().size();
    info.put("prompt", prompt);
    ArrayNode ap = info.putArray("all_prompts");
    ArrayNode an = info.putArray("all_negative_prompts");
    ArrayNode as = info.putArray("all_seeds");
    ArrayNode asub = info.putArray("all_subseeds");
    for (int i = 0; i < n; i++) {
      ap.add(prompt);
      an.add(negative);
      as.add(spec.seed() + i);
      asub.add(-1);
    }
    info.put("negative_prompt", negative);
    info.put("seed", spec.seed());
    info.put("subseed", -1);
    info.put("subseed_strength", 0);
    GenerationRequest r0 = spec.runs().get(0);
    int w = first != null ? first.width() : r0.width() != null ? r0.width() : m.defaultWidth();
    int h = first != null ? first.height() : r0.height() != null ? r0.height() : m.defaultHeight();
    String sched = first != null ? first.scheduler() : r0.scheduler() != null ? r0.scheduler() : m.defaultScheduler();
    info.put("width", w);
    info.put("height", h);
    info.put("sampler_name", s.a1111Name(sched));
    info.put("scheduler", "Automatic");
    info.put("cfg_scale", first != null ? first.guidanceScale() : r0.guidanceScale() != null ? r0.guidanceScale()
        : m.defaultGuidance());
    info.put("steps", first != null ? first.steps() : r0.steps() != null ? r0.steps() : m.defaultSteps());
    info.put("batch_size", spec.batchSize());
    info.put("restore_faces", false);
    info.putNull("face_restoration_model");
    info.put("sd_model_name", models.current());
    info.putNull("sd_model_hash");
    info.putNull("sd_vae_name");
    info.putNull("sd_vae_hash");
    info.put("seed_resize_from_w", -1);
    info.put("seed_resize_from_h", -1);
    if (r0.initImage() != null) {
      info.put("denoising_strength", r0.strength());
    } else {
      info.putNull("denoising_strength");
    }
    info.putObject("extra_generation_params");
    info.put("index_of_first_image", 0);
    ArrayNode texts = info.putArray("infotexts");
    for (GeneratedImage g : images) {
      texts.add(infotext(g.parameters(), s));
    }
    info.putArray("styles");
    info.put("job_timestamp", lastStamp);
    info.put("clip_skip", 1);
    info.put("is_using_inpainting_conditioning", false);
    info.put("interrupted", job.state() == Job.State.CANCELLED);
    ArrayNode warnings = info.putArray("warnings");
    job.warnings().forEach(warnings::add);
    info.put("version", "diffuse4j 0.1.0");
    return info;
  }

  static String infotext(GenerationParameters p, Samplers s) {
    return p.prompt() + (p.negativePrompt().isEmpty() ? "" : "\nNegative prompt: " + p.negativePrompt())
        + "\nSteps: " + p.steps() + ", Sampler: " + s.a1111Name(p.scheduler()) + ", Schedule type: Automatic"
        + ", CFG scale: " + fmt(p.guidanceScale()) + ", Seed: " + p.seed() + ", Size: " + p.width() + "x"
        + p.height() + ", Model: " + p.model() + (Double.isNaN(p.strength()) ? ""
        : ", Denoising strength: " + fmt(p.strength())) + ", Version: diffuse4j";
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  // ---- listings ----

  private void samplers(Context ctx) throws Exception {
    ArrayNode a = json.createArrayNode();
    for (Samplers.Sampler s : samplers().all()) {
      ObjectNode o = a.addObject();
      o.put("name", s.name());
      ArrayNode al = o.putArray("aliases");
      s.aliases().forEach(al::add);
      o.putObject("options").put("diffuse4j_scheduler", s.scheduler());
    }
    send(ctx, a);
  }

  private void schedulers(Context ctx) throws Exception {
    ArrayNode a = json.createArrayNode();
    ObjectNode auto = a.addObject();
    auto.put("name", "automatic").put("label", "Automatic").putNull("aliases");
    auto.put("default_rho", -1).put("need_inner_model", false);
    ObjectNode karras = a.addObject();
    karras.put("name", "karras").put("label", "Karras").putNull("aliases");
    karras.put("default_rho", 7.0).put("need_inner_model", false);
    send(ctx, a);
  }

  private void sdModels(Context ctx) throws Exception {
    ArrayNode a = json.createArrayNode();
    for (Map.Entry<String, Path> e : models.catalogue().entrySet()) {
      ObjectNode o = a.addObject();
      o.put("title", e.getKey());
      o.put("model_name", e.getKey());
      o.putNull("hash");
      o.putNull("sha256");
      o.put("filename", e.getValue() == null ? ModelHost.BUNDLED : e.getValue().getFileName().toString());
      o.putNull("config");
    }
    send(ctx, a);
  }

  private void getOptions(Context ctx) throws Exception {
    ObjectNode o = json.createObjectNode();
    options.forEach((k, v) -> o.set(k, json.valueToTree(v)));
    o.put("sd_model_checkpoint", models.current());
    o.putNull("sd_checkpoint_hash");
    o.put("samples_format", "png");
    o.put("show_progress_every_n_steps", 1);
    o.put("live_previews_enable", true);
    o.put("CLIP_stop_at_last_layers", 1);
    send(ctx, o);
  }

  private void setOptions(Context ctx) throws Exception {
    Fields f = Fields.parse(json, ctx.body(), settings);
    if (f.has("sd_model_checkpoint")) {
      models.switchTo(modelName(f.string("sd_model_checkpoint", null)));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = f.node().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("sd_model_checkpoint") && options.size() < 256) {
        options.put(e.getKey(), json.treeToValue(e.getValue(), Object.class));
      }
    }
    send(ctx, json.nullNode());
  }

  private static final Pattern TITLE = Pattern.compile("^(.*?)(\\.safetensors|\\.ckpt)?( \\[[0-9a-f]+\\])?$");

  /** A model name from a title as clients send it ("name", "name.safetensors [hash]"). */
  private static String modelName(String title) {
    Matcher m = TITLE.matcher(title.strip());
    return m.matches() ? m.group(1) : title.strip();
  }

  // ---- progress and control ----

  private void progress(Context ctx) throws Exception {
    boolean skipImage = "true".equalsIgnoreCase(ctx.queryParam("skip_current_image"));
    Job job = null;
    for (Job j : running) {
      if (j.state() == Job.State.RUNNING) {
        job = j; // the newest running one wins
      }
    }
    ObjectNode o = json.createObjectNode();
    ObjectNode state = json.createObjectNode();
    if (job == null) {
      o.put("progress", 0.0);
      o.put("eta_relative", 0.0);
      state.put("skipped", false).put("interrupted", last != null && last.state() == Job.State.CANCELLED);
      state.put("stopping_generation", false).put("job", "").put("job_count", running.size());
      state.put("job_timestamp", lastStamp).put("job_no", 0).put("sampling_step", 0).put("sampling_steps", 0);
      o.set("state", state);
      o.putNull("current_image");
    } else {
      int runs = job.runs.size();
      int total = Math.max(1, job.total());
      double progress = Math.min(1.0, (job.run() + job.step() / (double) total) / runs);
      double elapsed = job.elapsedSeconds();
      o.put("progress", progress);
      o.put("eta_relative", progress > 0 ? elapsed / progress - elapsed : 0.0);
      state.put("skipped", false).put("interrupted", job.cancelRequested()).put("stopping_generation", false);
      state.put("job", "task(" + job.id + ")").put("job_count", running.size()).put("job_timestamp", lastStamp);
      state.put("job_no", job.run()).put("sampling_step", job.step()).put("sampling_steps", job.total());
      o.set("state", state);
      List<BufferedImage> pv = job.previews();
      if (!skipImage && !pv.isEmpty()) {
        o.put("current_image", ImageCodec.base64(ImageCodec.png(pv.get(0))));
      } else {
        o.putNull("current_image");
      }
    }
    o.putNull("textinfo");
    o.putNull("current_task");
    send(ctx, o);
  }

  private void interrupt(Context ctx) throws Exception {
    for (Job j : running) {
      j.cancel();
    }
    send(ctx, json.createObjectNode());
  }

  private void pngInfo(Context ctx) throws Exception {
    Fields f = Fields.parse(json, ctx.body(), settings);
    if (!f.has("image")) {
      throw ApiException.badRequest("image", "png-info needs image: a base64 PNG");
    }
    Map<String, String> text = PngText.read(ImageCodec.bytes("image", f.string("image", null)));
    ObjectNode o = json.createObjectNode();
    String params = text.getOrDefault("parameters", "");
    o.put("info", params);
    ObjectNode items = o.putObject("items");
    text.forEach((k, v) -> {
      if (!k.equals("parameters")) {
        items.put(k, v);
      }
    });
    o.set("parameters", parseInfotext(params));
    send(ctx, o);
  }

  /** An infotext ("prompt\nNegative prompt: ...\nSteps: 20, Sampler: ...") as fields. */
  ObjectNode parseInfotext(String text) {
    ObjectNode o = json.createObjectNode();
    if (text.isEmpty()) {
      return o;
    }
    String[] lines = text.split("\n");
    String last = lines[lines.length - 1];
    boolean hasSettings = last.matches("^(\\s*[\\w ]+:\\s*[^,]+,?)+$") && lines.length > 1;
    StringBuilder prompt = new StringBuilder();
    StringBuilder negative = new StringBuilder();
    boolean inNegative = false;
    for (int i = 0; i < (hasSettings ? lines.length - 1 : lines.length); i++) {
      String l = lines[i];
      if (l.startsWith("Negative prompt:")) {
        inNegative = true;
        l = l.substring("Negative prompt:".length()).strip();
      }
      StringBuilder b = inNegative ? negative : prompt;
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(l);
    }
    o.put("Prompt", prompt.toString());
    o.put("Negative prompt", negative.toString());
    if (hasSettings) {
      for (String kv : last.split(",")) {
        int c = kv.indexOf(':');
        if (c > 0) {
          String k = kv.substring(0, c).strip();
          String v = kv.substring(c + 1).strip();
          if (k.equals("Size") && v.matches("\\d+x\\d+")) {
            o.put("Size-1", v.substring(0, v.indexOf('x')));
            o.put("Size-2", v.substring(v.indexOf('x') + 1));
          }
          o.put(k, v);
        }
      }
    }
    return o;
  }
}
