package io.diffuse4j.samples.cli;

import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./diffuse} command line: {@code generate}, {@code schedulers}, {@code conformance},
 * {@code benchmark}, {@code manifest}. Exit codes: 0 ok, 2 bad usage or a bad value ({@link InvalidRequestException}),
 * 1 unusable model files or a failed run (other {@link DiffusionException}s).
 */
@Command(name = "diffuse", mixinStandardHelpOptions = true, version = "diffuse4j 0.1.0",
    description = "Latent diffusion text-to-image on ONNX Runtime, from Java.",
    subcommands = {GenerateCommand.class, SchedulersCommand.class, ConformanceCommand.class,
        BenchmarkCommand.class, BenchCommand.class, ManifestCommand.class, CommandLine.HelpCommand.class})
public final class DiffuseCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'diffuse generate --help'");
  }

  /** The configured command line (for tests). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new DiffuseCli());
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      if (ex instanceof InvalidRequestException bad) {
        String flag = flagOf(bad.field());
        cmd.getErr().println("error: " + ex.getMessage() + (flag == null ? "" : " (option " + flag + ")"));
        return 2;
      }
      if (ex instanceof IllegalArgumentException) {
        cmd.getErr().println("error: " + ex.getMessage());
        return 2;
      }
      if (ex instanceof DiffusionException) {
        cmd.getErr().println("error: " + ex.getMessage());
        return 1;
      }
      cmd.getErr().println("error: " + ex);
      ex.printStackTrace(cmd.getErr());
      return 1;
    });
    return cl;
  }

  /** The option of {@code diffuse generate} that sets a request field, or null. */
  static String flagOf(String field) {
    if (field == null) {
      return null;
    }
    return switch (field) {
      case "prompt" -> "--prompt";
      case "negativePrompt" -> "--negative-prompt";
      case "steps" -> "--steps";
      case "guidanceScale" -> "--guidance";
      case "seed", "seeds" -> "--seed";
      case "width" -> "--width";
      case "height" -> "--height";
      case "numImages" -> "--images";
      case "scheduler" -> "--scheduler";
      case "noise" -> "--noise";
      case "eta" -> "--eta";
      case "initImage" -> "--init-image";
      case "strength" -> "--strength";
      case "mask" -> "--mask";
      default -> null;
    };
  }

  /** Runs the command line. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
