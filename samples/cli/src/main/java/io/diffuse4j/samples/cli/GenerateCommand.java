package io.diffuse4j.samples.cli;

import io.diffuse4j.api.noise.NoiseKind;
import io.diffuse4j.api.pipeline.Device;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.StepEvent;
import io.diffuse4j.pipelines.Diffusion;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.pipelines.image.ImageFiles;
import io.diffuse4j.pipelines.image.OutputFiles;
import io.diffuse4j.pipelines.image.PngWriter;
import io.diffuse4j.onnx.SessionTuning;
import io.diffuse4j.pipelines.model.ModelManifest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code diffuse generate}: prompt(s) in, PNG(s) with embedded parameters out. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Generate images from a prompt (or a file of prompts, one a line).",
        "Parameters are embedded in each PNG (tEXt chunks) so an image can be reproduced."})
final class GenerateCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.ArgGroup(multiplicity = "1")
  PromptSource source;

  static final class PromptSource {
    @Option(names = "--prompt", description = "The text to draw.", required = true)
    String prompt;

    @Option(names = "--prompt-file", description = "A file with one prompt a line; writes DIR/0001.png, ... "
        + "(line numbers), each with the same --seed (or each its own random one).", required = true)
    Path promptFile;
  }

  @Option(names = "--negative-prompt", description = "What to steer away from.", defaultValue = "")
  String negativePrompt;

  @Option(names = "--model", description = "Model folder (a Stable Diffusion ONNX export). Default: the bundled model.")
  Path model;

  @Option(names = "--scheduler", description = "Scheduler name (see 'diffuse schedulers'). Default: the model's.")
  String scheduler;

  @Option(names = "--steps", description = "Denoising steps. Default: the model's.")
  Integer steps;

  @Option(names = "--guidance", description = "Classifier-free guidance scale (<= 1 disables). Default: the model's.")
  Double guidance;

  @Option(names = "--seed", description = "Seed. Default: a random one, printed to stderr and written into the PNG.")
  Long seed;

  @Option(names = "--width", description = "Width in pixels. Default: the model's.")
  Integer width;

  @Option(names = "--height", description = "Height in pixels. Default: the model's.")
  Integer height;

  @Option(names = "--images", description = "Images per prompt (default ${DEFAULT-VALUE}).", defaultValue = "1")
  int images;

  @Option(names = "--noise", description = "Random generator the seed drives: torch (PyTorch CPU, default) or numpy.",
      defaultValue = "torch")
  String noise;

  @Option(names = "--eta", description = "DDIM eta (default ${DEFAULT-VALUE}).", defaultValue = "0")
  double eta;

  @Option(names = "--device", description = "cpu, cuda or cuda:N (default ${DEFAULT-VALUE}).", defaultValue = "cpu")
  String device;

  @CommandLine.Mixin
  OptimizedCacheOptions optimizedCache = new OptimizedCacheOptions();

  @Option(names = "--engine", description = "Inference engine of the model parts: OnnxRuntime (default) or PyTorch"
      + " (TorchScript model.pt beside each model.onnx, through DJL).", defaultValue = "OnnxRuntime")
  String engine;

  @Option(names = "--fallback-to-cpu", description = "Use the CPU with a warning when the GPU can't be used.")
  boolean fallbackToCpu;

  @Option(names = "--plugins", description = "Folder of plugin jars (schedulers and more). A plugin is code with your rights: use only jars you trust.")
  Path plugins;

  @Option(names = "--init-image", description = "Image-to-image: the starting image.")
  Path initImage;

  @Option(names = "--strength", description = "Image-to-image: how much to repaint, 0..1 (default ${DEFAULT-VALUE}).",
      defaultValue = "0.8")
  double strength;

  @Option(names = "--mask", description = "Inpainting: mask image, white = repaint (needs --init-image).")
  Path mask;

  @Option(names = "--vae-tiling", description = "VAE tiling: auto (tiles images too large for memory, default),"
      + " on or off.", defaultValue = "auto")
  String vaeTiling;

  @Option(names = "--preview-dir", description = "Write a preview PNG of every step into this folder.")
  Path previewDir;

  @Option(names = "--output", description = "Output PNG (with --prompt). With --images N > 1: NAME-1.png, NAME-2.png, ...")
  Path output;

  @Option(names = "--output-dir", description = "Output folder (with --prompt-file).")
  Path outputDir;

  @Option(names = "--overwrite", description = "Replace output files that already exist (regular files only).")
  boolean overwrite;

  @Option(names = "--verify", description = "Check every file of the --model folder against its SHA256SUMS manifest"
      + " (sha256sum format; make one with 'diffuse manifest DIR') before loading. The bundled model is always verified.")
  boolean verify;

  // --- creative controls (issue 14): LoRA, textual inversion, clip skip ---
  @Option(names = "--lora", description = "LoRA adapter FILE.safetensors[:SCALE] (kohya-ss or diffusers/PEFT keys;"
      + " scale default 1). Repeatable.")
  List<String> loras = new java.util.ArrayList<>();

  @Option(names = "--lora-dir", description = "Folder that the prompt's <lora:NAME:SCALE> tags are looked up in.")
  Path loraDir;

  @Option(names = "--embedding", description = "Textual-inversion embedding FILE.safetensors; its file name (without"
      + " extension) can then be used in the prompts. Repeatable.")
  List<Path> embeddings = new java.util.ArrayList<>();

  @Option(names = "--clip-skip", description = "Condition on the N-th hidden layer from the last (default ${DEFAULT-VALUE}:"
      + " the model's own).", defaultValue = "1")
  int clipSkip;

  private GenerationRequest.Builder creative(GenerationRequest.Builder r) {
    for (String l : loras) {
      int colon = l.lastIndexOf(':');
      double scale = 1.0;
      String file = l;
      if (colon > 1 && !l.substring(colon + 1).contains("/") && !l.substring(colon + 1).contains("\\")) {
        try {
          scale = Double.parseDouble(l.substring(colon + 1));
          file = l.substring(0, colon);
        } catch (NumberFormatException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--lora " + l + ": the scale after ':' must be"
              + " a number, as in --lora ink.safetensors:0.8");
        }
      }
      r.lora(Path.of(file), scale);
    }
    embeddings.forEach(r::textualInversion);
    if (clipSkip < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--clip-skip must be 1 or more, got " + clipSkip);
    }
    return r.clipSkip(clipSkip);
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    List<String> prompts;
    if (source.promptFile != null) {
      if (outputDir == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--prompt-file needs --output-dir DIR");
      }
      if (!Files.isRegularFile(source.promptFile)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "Prompt file " + source.promptFile
            + " does not exist");
      }
      prompts = readPromptFile(source.promptFile);
    } else {
      if (output == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--prompt needs --output FILE.png");
      }
      prompts = List.of(source.prompt);
    }
    NoiseKind noiseKind = switch (noise.toLowerCase(Locale.ROOT)) {
      case "torch" -> NoiseKind.TORCH;
      case "numpy" -> NoiseKind.NUMPY;
      default -> throw new CommandLine.ParameterException(spec.commandLine(), "Unknown --noise '" + noise
          + "': use torch or numpy");
    };
    Device dev;
    try {
      dev = Device.parse(device).withFallbackToCpu(fallbackToCpu);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    checkOutput(prompts.size());
    BufferedImage init = initImage == null ? null : readImage(initImage, "--init-image");
    BufferedImage maskImage = mask == null ? null : readImage(mask, "--mask");
    OutputFiles.IfExists ifExists = overwrite ? OutputFiles.IfExists.REPLACE : OutputFiles.IfExists.FAIL;
    // every output path is checked before the model is even loaded: no generation is wasted
    for (int line = 0; line < prompts.size(); line++) {
      if (source.promptFile != null && prompts.get(line).strip().isEmpty()) {
        continue;
      }
      for (int i = 0; i < images; i++) {
        checkOutput(outputFile(line, i, images), ifExists);
      }
    }
    Diffusion.Builder b = Diffusion.builder().device(dev).engine(engine).warnings(w -> err.println(w))
        .sessionTuning(SessionTuning.defaults().withOptimizedModelCache(optimizedCache.folder()));
    if (model != null) {
      if (verify && !Files.exists(model.resolve(ModelManifest.FILE))) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--verify: " + model + " has no "
            + ModelManifest.FILE + " manifest. Make one on a copy you trust with: diffuse manifest " + model);
      }
      b.model(model).verifyModel(verify);
    }
    if (plugins != null) {
      b.plugins(plugins);
    }
    if (loraDir != null) {
      b.loraDir(loraDir);
    }
    try (DiffusionPipeline pipeline = b.load()) {
      for (int line = 0; line < prompts.size(); line++) {
        String prompt = prompts.get(line).strip();
        if (source.promptFile != null && prompt.isEmpty()) {
          continue;
        }
        GenerationRequest request = creative(GenerationRequest.builder(prompt).negativePrompt(negativePrompt).steps(steps)
            .guidanceScale(guidance).seed(seed).width(width).height(height).numImages(images).scheduler(scheduler)
            .noise(noiseKind).eta(eta).initImage(init).strength(strength).mask(maskImage)
            .vaeTiling(parseTiling(vaeTiling))).build();
        String label = prompts.size() > 1 ? String.format("%04d", line + 1) : "generating";
        GenerationResult result = pipeline.generate(request, listener(err, label, line + 1), () -> false);
        List<GeneratedImage> imgs = result.images();
        for (int i = 0; i < imgs.size(); i++) {
          Path file = outputFile(line, i, imgs.size());
          PngWriter.write(imgs.get(i), file, ifExists);
          if (seed == null) {
            err.println("seed " + imgs.get(i).parameters().seed() + ": " + file);
          }
          out.println(file);
        }
        out.flush();
      }
    }
    return 0;
  }

  private Path outputFile(int line, int i, int count) {
    return source.promptFile != null
        ? outputDir.resolve(String.format("%04d", line + 1) + (count > 1 ? "-" + (i + 1) : "") + ".png")
        : count > 1 ? numbered(output, i + 1) : output;
  }

  private void checkOutput(Path file, OutputFiles.IfExists ifExists) {
    try {
      OutputFiles.check(file, ifExists);
    } catch (InvalidRequestException e) {
      String msg = e.getMessage();
      if (msg.contains("already exists")) {
        msg = file + " already exists; nothing was generated. Pass --overwrite to replace it, or choose another"
            + " --output";
      }
      throw new CommandLine.ParameterException(spec.commandLine(), msg);
    }
  }

  /**
   * The prompt file's lines: UTF-8 strictly (invalid bytes are an error naming the file and line),
   * lines end at LF or CR LF only, so a stray CR inside a line does not shift the numbering.
   */
  private List<String> readPromptFile(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    String text;
    try {
      text = dec.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      int bad = firstInvalidUtf8(bytes);
      int line = 1;
      for (int i = 0; i < bad; i++) {
        line += bytes[i] == '\n' ? 1 : 0;
      }
      throw new CommandLine.ParameterException(spec.commandLine(), "Prompt file " + file + " is not valid UTF-8"
          + " (line " + line + ", byte offset " + bad + "); save it as UTF-8");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // byte order mark
    }
    List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }

  private static int firstInvalidUtf8(byte[] b) {
    CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(b);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(b.length + 1);
    dec.decode(in, out, true);
    return in.position();
  }

  /** Refuses output places that cannot be written before any image is made. */
  private void checkOutput(int promptCount) {
    if (outputDir != null) {
      if (Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--output-dir " + outputDir
            + " is a file, not a folder");
      }
      Path existing = outputDir.toAbsolutePath();
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null || !Files.isWritable(existing)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--output-dir " + outputDir
            + " cannot be created: " + existing + " is not writable");
      }
      return;
    }
    if (output != null) {
      if (Files.isDirectory(output)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--output " + output
            + " is a folder: give a file name such as " + output.resolve("out.png"));
      }
      Path parent = output.toAbsolutePath().getParent();
      if (parent == null || !Files.isDirectory(parent)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--output " + output + ": the folder " + parent
            + " does not exist; create it first");
      }
      if (!Files.isWritable(parent) || (Files.exists(output) && !Files.isWritable(output))) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--output " + output + " is not writable");
      }
    }
  }

  private ProgressListener listener(PrintWriter err, String label, int line) {
    ProgressBar bar = new ProgressBar(err, label);
    if (previewDir == null) {
      return bar;
    }
    return new ProgressListener() {
      @Override
      public void onStep(StepEvent e) {
        bar.onStep(e);
        try {
          Files.createDirectories(previewDir);
          for (int k = 0; k < e.previews().size(); k++) {
            String suffix = e.previews().size() > 1 ? "-" + (k + 1) : "";
            BufferedImage pv = e.previews().get(k);
            Path file = previewDir.resolve(String.format("%04d-step%03d%s.png", line, e.step() + 1, suffix));
            OutputFiles.write(file, overwrite ? OutputFiles.IfExists.REPLACE : OutputFiles.IfExists.FAIL,
                stream -> ImageIO.write(pv, "png", stream));
          }
        } catch (IOException ex) {
          throw new UncheckedIOException("Could not write a preview into " + previewDir, ex);
        }
      }

      @Override
      public boolean wantsPreviews() {
        return true;
      }

      @Override
      public void onWarning(String message) {
        bar.onWarning(message);
      }
    };
  }

  private BufferedImage readImage(Path p, String option) {
    try {
      return ImageFiles.read(p, option.substring(2));
    } catch (InvalidRequestException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  static Path numbered(Path file, int i) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : ".png";
    return file.resolveSibling(stem + "-" + i + ext);
  }

  private static io.diffuse4j.api.pipeline.VaeTiling parseTiling(String v) {
    try {
      return io.diffuse4j.api.pipeline.VaeTiling.valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--vae-tiling must be auto, on or off, got '" + v + "'");
    }
  }
}
