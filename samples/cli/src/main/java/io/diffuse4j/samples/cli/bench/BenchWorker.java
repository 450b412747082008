package io.diffuse4j.samples.cli.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.diffuse4j.api.pipeline.Cancellation;
import io.diffuse4j.api.pipeline.Device;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import io.diffuse4j.api.pipeline.StepEvent;
import io.diffuse4j.api.pipeline.VaeTiling;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.OnnxSessionFactory;
import io.diffuse4j.onnx.SessionTuning;
import io.diffuse4j.pipelines.Diffusion;
import io.diffuse4j.pipelines.StableDiffusionPipeline;
import io.diffuse4j.pipelines.image.PngWriter;
import io.diffuse4j.pipelines.model.BundledModelFiles;
import io.diffuse4j.pipelines.model.LoadedModel;
import io.diffuse4j.textencoder.OnnxTextEncoder;
import io.diffuse4j.unet.OnnxUNet;
import io.diffuse4j.vae.OnnxVaeDecoder;
import io.diffuse4j.vae.OnnxVaeEncoder;
import io.diffuse4j.vae.OnnxVaeLoader;
import io.diffuse4j.vae.TiledVae;
import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.noise.NoiseKind;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.noise.DefaultNoiseSourceFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One measured run of {@code diffuse bench} in its own JVM: {@code pipeline} loads the model through
 * {@link Diffusion} and generates, {@code floor} does only the {@code OrtSession.run} calls the pipeline
 * made (same files, shapes, session options and number of calls), with inputs made once. Each writes a
 * JSON object of timings (milliseconds) and peak RSS to the file named by its first argument.
 *
 * <p>Usage: {@code BenchWorker OUT.json pipeline SETTINGS...} or
 * {@code BenchWorker OUT.json floor TE_RUNS UNET_RUNS UNET_BATCH VAE_RUNS CHANNELS LATENT_H LATENT_W SETTINGS...}. Not thread-safe.
 */
public final class BenchWorker {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchWorker() {}

  /** Runs one role and writes its JSON. */
  public static void main(String[] args) throws Exception {
    long jvmStart = ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
    long mainStart = System.currentTimeMillis();
    Path out = Path.of(args[0]);
    ObjectNode result;
    BenchSettings settings;
    if ("pipeline".equals(args[1])) {
      settings = BenchSettings.parse(args, 2);
      result = pipeline(settings);
    } else if ("vae-decode".equals(args[1])) {
      settings = BenchSettings.parse(args, 3);
      result = vaeDecode(Boolean.parseBoolean(args[2]), settings);
    } else {
      int[] n = new int[7];
      for (int i = 0; i < n.length; i++) {
        n[i] = Integer.parseInt(args[2 + i]);
      }
      settings = BenchSettings.parse(args, 2 + n.length);
      result = floor(n, settings);
    }
    result.put("jvm_start_to_main_ms", jvmStart == 0 ? -1 : mainStart - jvmStart);
    result.put("peak_rss_mb", Rss.peakMb());
    Rss.javaMemory(result.putObject("jvm_memory_mb"));
    if (!Device.parse(settings.device()).isCpu()) {
      // ONNX Runtime's CUDA arena keeps the most it held: at the end of the JVM this is the run's peak
      GpuMemory.usedMb(ProcessHandle.current().pid()).ifPresentOrElse(mb -> result.put("gpu_memory_mb", mb),
          () -> result.putNull("gpu_memory_mb"));
    }
    Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
  }

  static SessionTuning tuning(BenchSettings s) {
    return SessionTuning.defaults().withCpuArena(s.cpuArena()).withMemoryPattern(s.memoryPattern())
        .withOptimizedModelCache(Optional.ofNullable(s.optimizedCache()));
  }

  static RuntimeOptions runtime(BenchSettings s) {
    return new RuntimeOptions(Device.parse(s.device()), s.threads());
  }

  private static GenerationRequest request(BenchSettings s, long seed) {
    return GenerationRequest.builder(s.prompt()).size(s.width(), s.height()).steps(s.steps())
        .scheduler(s.scheduler()).guidanceScale(s.guidance()).seed(seed).vaeTiling(s.vaeTiling() ? VaeTiling.ON : VaeTiling.AUTO).build();
  }

  private static ObjectNode pipeline(BenchSettings s) throws IOException {
    ObjectNode r = JSON.createObjectNode();
    long t0 = System.nanoTime();
    Path dir = s.model() != null ? s.model() : BundledModelFiles.folder();
    try (DiffusionPipeline p = Diffusion.builder().model(dir).runtime(runtime(s)).sessionTuning(tuning(s))
        .warnings(w -> { }).load()) {
      r.put("load_ms", ms(System.nanoTime() - t0));
      LoadedModel m = ((StableDiffusionPipeline) p).loadedModel();
      Map<String, OnnxModel> parts = new LinkedHashMap<>();
      parts.put("text_encoder", ((OnnxTextEncoder) m.textEncoder()).model());
      parts.put("unet", ((OnnxUNet) m.denoiser()).model());
      parts.put("vae_decoder", ((OnnxVaeDecoder) m.vaeDecoder()).model());
      m.vaeEncoder().ifPresent(e -> parts.put("vae_encoder", ((OnnxVaeEncoder) e).model()));
      ObjectNode load = r.putObject("load_parts_ms");
      parts.forEach((k, v) -> load.put(k, ms(v.loadNanos())));
      // tokenizing is measured apart: the pipeline does it inside generate
      long tk = System.nanoTime();
      m.textEncoder().tokenizer().tokenize(s.prompt());
      r.put("tokenize_first_ms", ms(System.nanoTime() - tk));
      tk = System.nanoTime();
      int tokRuns = 50;
      for (int i = 0; i < tokRuns; i++) {
        m.textEncoder().tokenizer().tokenize(s.prompt());
        m.textEncoder().tokenizer().tokenize("");
      }
      r.put("tokenize_ms", ms(System.nanoTime() - tk) / tokRuns);

      p.generate(request(s, 999)); // warm-up
      ArrayNode images = r.putArray("images");
      for (int i = 0; i < s.images(); i++) {
        Map<String, OnnxModel.RunStats> before = new HashMap<>();
        parts.forEach((k, v) -> before.put(k, v.runStats()));
        List<Long> stepTimes = new ArrayList<>();
        int[][] latentShape = new int[1][];
        ProgressListener listener = new ProgressListener() {
          @Override
          public void onStep(StepEvent e) {
            stepTimes.add(System.nanoTime());
            latentShape[0] = e.latents().shape();
          }
        };
        long g0 = System.nanoTime();
        GenerationResult res = p.generate(request(s, i), listener, Cancellation.NONE);
        long gen = System.nanoTime() - g0;
        long p0 = System.nanoTime();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        PngWriter.write(res.first(), png);
        long pngNanos = System.nanoTime() - p0;
        ObjectNode im = images.addObject();
        double ort = 0;
        for (Map.Entry<String, OnnxModel> e : parts.entrySet()) {
          OnnxModel.RunStats d = e.getValue().runStats().minus(before.get(e.getKey()));
          im.put(e.getKey() + "_ms", ms(d.nanos()));
          im.put(e.getKey() + "_runs", d.runs());
          ort += ms(d.nanos());
        }
        long unetRuns = im.get("unet_runs").asLong();
        im.put("unet_per_step_ms", unetRuns == 0 ? 0 : im.get("unet_ms").asDouble() / unetRuns);
        if (stepTimes.size() > 2) {
          double loop = ms(stepTimes.get(stepTimes.size() - 1) - stepTimes.get(0)) / (stepTimes.size() - 1);
          // steps after the first: wall time between step events minus the U-Net's time in ONNX Runtime
          im.put("scheduler_and_guidance_per_step_ms", loop - im.get("unet_per_step_ms").asDouble()
              * unetRuns / stepTimes.size());
        }
        im.put("steps", stepTimes.size());
        if (latentShape[0] != null) {
          im.put("latent_channels", latentShape[0][1]);
          im.put("latent_height", latentShape[0][2]);
          im.put("latent_width", latentShape[0][3]);
        }
        im.put("generate_ms", ms(gen));
        im.put("png_ms", ms(pngNanos));
        im.put("total_ms", ms(gen + pngNanos));
        im.put("inside_ort_ms", ort);
        im.put("overhead_ms", ms(gen + pngNanos) - ort);
      }
      r.put("peak_rss_mb_after_images", Rss.peakMb());
    }
    return r;
  }

  /**
   * Only the VAE decoder, on one random latent of the image size: untiled, or tiled as the pipeline
   * tiles ({@link TiledVae} with the model's native size as the tile), for the peak-memory comparison.
   */
  private static ObjectNode vaeDecode(boolean tiled, BenchSettings s) {
    ObjectNode r = JSON.createObjectNode();
    Path dir = s.model() != null ? s.model() : BundledModelFiles.folder();
    OnnxSessionFactory factory = new OnnxSessionFactory(runtime(s), tuning(s), w -> { });
    try (VaeDecoder vae = new OnnxVaeLoader(factory).loadDecoder(dir)) {
      int lh = s.height() / vae.scaleFactor();
      int lw = s.width() / vae.scaleFactor();
      FloatTensor z = new DefaultNoiseSourceFactory().create(NoiseKind.TORCH, 1).randn(1, vae.latentChannels(), lh, lw);
      r.put("rss_before_mb", Rss.currentMb());
      long t0 = System.nanoTime();
      FloatTensor img = tiled ? TiledVae.decode(z, vae::decode, vae.scaleFactor(), VAE_TILE) : vae.decode(z);
      r.put("decode_ms", ms(System.nanoTime() - t0));
      r.put("tiled", tiled);
      r.put("output", java.util.Arrays.toString(img.shape()));
      r.put("peak_rss_mb_after_images", Rss.peakMb());
    }
    return r;
  }

  /** The tile the vae-decode measurement uses: SD 1.5's native 512 pixels (diffusers' sample_size). */
  static final int VAE_TILE = 512;

  /** The raw ONNX Runtime calls the pipeline made for one image, nothing else. */
  private static ObjectNode floor(int[] n, BenchSettings s) throws OrtException, IOException {
    int teRuns = n[0];
    int unetRuns = n[1];
    int unetBatch = n[2];
    int vaeRuns = n[3];
    int ch = n[4];
    int lh = n[5];
    int lw = n[6];
    ObjectNode r = JSON.createObjectNode();
    Path dir = s.model() != null ? s.model() : BundledModelFiles.folder();
    long t0 = System.nanoTime();
    OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "floor");
    OnnxSessionFactory factory = new OnnxSessionFactory(runtime(s), tuning(s).withOptimizedModelCache(Optional.empty()),
        w -> { });
    Map<String, OrtSession> sessions = new LinkedHashMap<>();
    ObjectNode load = r.putObject("load_parts_ms");
    try (OrtSession.SessionOptions so = factory.createSessionOptions()) {
      for (String part : List.of("text_encoder", "unet", "vae_decoder", "vae_encoder")) {
        Path f = dir.resolve(part).resolve("model.onnx");
        if (Files.isRegularFile(f)) {
          long p0 = System.nanoTime();
          sessions.put(part, env.createSession(f.toString(), so));
          load.put(part, ms(System.nanoTime() - p0));
        }
      }
    }
    r.put("load_ms", ms(System.nanoTime() - t0));
    OrtSession te = sessions.get("text_encoder");
    OrtSession unet = sessions.get("unet");
    OrtSession vae = sessions.get("vae_decoder");
    long hidden = lastDim(te, "last_hidden_state", 768);
    TensorInfo ehs = (TensorInfo) unet.getInputInfo().get("encoder_hidden_states").getInfo();
    if (ehs.getShape()[2] > 0) {
      hidden = ehs.getShape()[2];
    }
    List<OnnxTensor> made = new ArrayList<>();
    try {
      Map<String, OnnxTensor> teIn = Map.of("input_ids", tensor(env, te, "input_ids", new long[] {1, 77}, made));
      Map<String, OnnxTensor> unetIn = Map.of(
          "sample", tensor(env, unet, "sample", new long[] {unetBatch, ch, lh, lw}, made),
          "timestep", tensor(env, unet, "timestep", new long[] {unetBatch}, made),
          "encoder_hidden_states", tensor(env, unet, "encoder_hidden_states", new long[] {unetBatch, 77, hidden}, made));
      Map<String, OnnxTensor> vaeIn = Map.of(
          "latent_sample", tensor(env, vae, "latent_sample", new long[] {1, ch, lh, lw}, made));
      oneImage(te, teIn, teRuns, unet, unetIn, unetRuns, vae, vaeIn, vaeRuns); // warm-up
      ArrayNode images = r.putArray("images");
      for (int i = 0; i < s.images(); i++) {
        long[] t = oneImage(te, teIn, teRuns, unet, unetIn, unetRuns, vae, vaeIn, vaeRuns);
        ObjectNode im = images.addObject();
        im.put("text_encoder_ms", ms(t[0]));
        im.put("unet_ms", ms(t[1]));
        im.put("unet_per_step_ms", ms(t[1]) / Math.max(1, unetRuns));
        im.put("vae_decoder_ms", ms(t[2]));
        im.put("total_ms", ms(t[0] + t[1] + t[2]));
      }
      r.put("peak_rss_mb_after_images", Rss.peakMb());
    } finally {
      for (OnnxTensor t : made) {
        t.close();
      }
      for (OrtSession ss : sessions.values()) {
        ss.close();
      }
    }
    return r;
  }

  private static long[] oneImage(OrtSession te, Map<String, OnnxTensor> teIn, int teRuns, OrtSession unet,
      Map<String, OnnxTensor> unetIn, int unetRuns, OrtSession vae, Map<String, OnnxTensor> vaeIn, int vaeRuns)
      throws OrtException {
    long[] t = new long[3];
    long a = System.nanoTime();
    for (int i = 0; i < teRuns; i++) {
      te.run(teIn).close();
    }
    long b = System.nanoTime();
    for (int i = 0; i < unetRuns; i++) {
      unet.run(unetIn).close();
    }
    long c = System.nanoTime();
    for (int i = 0; i < vaeRuns; i++) {
      vae.run(vaeIn).close();
    }
    long d = System.nanoTime();
    t[0] = b - a;
    t[1] = c - b;
    t[2] = d - c;
    return t;
  }

  private static long lastDim(OrtSession s, String output, long fallback) throws OrtException {
    NodeInfo n = s.getOutputInfo().get(output);
    if (n != null && n.getInfo() instanceof TensorInfo ti) {
      long d = ti.getShape()[ti.getShape().length - 1];
      return d > 0 ? d : fallback;
    }
    return fallback;
  }

  /** A tensor of the input's declared element type and this shape (zeros; the timestep 500). */
  private static OnnxTensor tensor(OrtEnvironment env, OrtSession s, String input, long[] shape,
      List<OnnxTensor> made) throws OrtException {
    TensorInfo ti = (TensorInfo) s.getInputInfo().get(input).getInfo();
    long[] declared = ti.getShape();
    if (declared.length == 0) {
      shape = new long[0];
    }
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    int count = Math.toIntExact(n);
    OnnxTensor t = switch (ti.type) {
      case FLOAT -> {
        ByteBuffer bb = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.nativeOrder());
        if ("timestep".equals(input)) {
          for (int i = 0; i < count; i++) {
            bb.putFloat(i * 4, 500f);
          }
        }
        yield OnnxTensor.createTensor(env, bb.asFloatBuffer(), shape);
      }
      case FLOAT16 -> OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(count * 2).order(ByteOrder.nativeOrder())
          .asShortBuffer(), shape, OnnxJavaType.FLOAT16);
      case INT32 -> {
        ByteBuffer bb = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < count; i++) {
          bb.putInt(i * 4, "timestep".equals(input) ? 500 : 0);
        }
        yield OnnxTensor.createTensor(env, bb.asIntBuffer(), shape);
      }
      case INT64 -> {
        ByteBuffer bb = ByteBuffer.allocateDirect(count * 8).order(ByteOrder.nativeOrder());
        for (int i = 0; i < count; i++) {
          bb.putLong(i * 8, "timestep".equals(input) ? 500 : 0);
        }
        yield OnnxTensor.createTensor(env, bb.asLongBuffer(), shape);
      }
      default -> throw new IllegalArgumentException("the floor does not feed " + ti.type + " inputs (" + input + ")");
    };
    made.add(t);
    return t;
  }

  static double ms(long nanos) {
    return Math.round(nanos / 1e4) / 100.0;
  }
}
