package io.diffuse4j.samples.cli;

import io.diffuse4j.pipelines.Diffusion;
import io.diffuse4j.conformance.AddNoiseConformance;
import io.diffuse4j.conformance.SchedulerConformance;
import io.diffuse4j.conformance.RandnConformance;
import io.diffuse4j.conformance.ClipTokenizerConformance;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code diffuse conformance ...}: replays reference cases from diffusers, PyTorch, NumPy and the
 * original CLIP tokenizer. One line per case, {@code PASS name max_abs_err} or {@code FAIL name reason};
 * exit status 1 if any failed.
 */
@Command(name = "conformance", mixinStandardHelpOptions = true,
    description = "Replay reference cases (diffusers schedulers, img2img noising, torch/numpy seeds, CLIP tokenizer).",
    subcommands = {ConformanceCommand.Schedulers.class, ConformanceCommand.AddNoise.class,
        ConformanceCommand.Randn.class, ConformanceCommand.ClipTokenizer.class})
final class ConformanceCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Missing kind: schedulers, add-noise, randn or clip-tokenizer");
  }

  static void requireExists(CommandLine cl, Path p) {
    if (!Files.exists(p)) {
      throw new CommandLine.ParameterException(cl, p + " does not exist");
    }
  }

  /** The built-in schedulers plus those of the plugin jars in {@code plugins} (may be null). */
  static io.diffuse4j.schedulers.Schedulers schedulers(Path plugins) {
    Diffusion.Builder b = Diffusion.builder().warnings(System.err::println);
    if (plugins != null) {
      b.plugins(plugins);
    }
    return b.schedulers();
  }

  static PrintStream stdout() {
    return System.out;
  }

  /** A replay of one kind of case file: the cases (a file, or a folder of files) checked, then replayed. */
  abstract static class Replay implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "CASES", description = "A case file, or a folder of case files.")
    Path cases;

    /** Replays the cases, printing one line each; true when all passed. */
    abstract boolean replay(Path cases);

    @Override
    public Integer call() {
      requireExists(spec.commandLine(), cases);
      return replay(cases) ? 0 : 1;
    }
  }

  /** A replay that runs schedulers: the built-ins and those of {@code --plugins}. */
  abstract static class SchedulerReplay extends Replay {
    @Option(names = "--plugins", description = "Folder of plugin jars whose schedulers to include. A plugin is code"
        + " with your rights: use only jars you trust.")
    Path plugins;
  }

  @Command(name = "schedulers", mixinStandardHelpOptions = true,
      description = "Replay ldm-scheduler-case/1 files (a folder or one file).")
  static final class Schedulers extends SchedulerReplay {
    @Override
    boolean replay(Path cases) {
      return SchedulerConformance.run(cases, schedulers(plugins), stdout());
    }
  }

  @Command(name = "add-noise", mixinStandardHelpOptions = true,
      description = "Replay ldm-add-noise-case/1 files (img2img strength -> timesteps, add_noise).")
  static final class AddNoise extends SchedulerReplay {
    @Override
    boolean replay(Path cases) {
      return AddNoiseConformance.run(cases, schedulers(plugins), stdout());
    }
  }

  @Command(name = "randn", mixinStandardHelpOptions = true,
      description = "Replay ldm-randn-cases/1 (torch CPU randn and numpy RandomState randn).")
  static final class Randn extends Replay {
    @Override
    boolean replay(Path cases) {
      return RandnConformance.run(cases, stdout());
    }
  }

  @Command(name = "clip-tokenizer", mixinStandardHelpOptions = true,
      description = "Replay ldm-clip-tokenizer-cases/1 against a tokenizer folder.")
  static final class ClipTokenizer extends Replay {
    @Option(names = "--tokenizer", required = true, description = "Tokenizer folder (vocab.json + merges.txt, "
        + "or tokenizer.json).")
    Path tokenizer;

    @Override
    boolean replay(Path cases) {
      requireExists(spec.commandLine(), tokenizer);
      return ClipTokenizerConformance.run(cases, tokenizer, stdout());
    }
  }
}
