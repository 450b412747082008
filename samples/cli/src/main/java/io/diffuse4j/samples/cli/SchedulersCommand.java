package io.diffuse4j.samples.cli;

import io.diffuse4j.pipelines.Diffusion;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code diffuse schedulers}: one scheduler name a line. */
@Command(name = "schedulers", mixinStandardHelpOptions = true,
    description = "List the scheduler names --scheduler accepts, one a line (built-ins and plugins).")
final class SchedulersCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--plugins", description = "Folder of plugin jars to include. A plugin is code with your rights: use only jars you trust.")
  Path plugins;

  @Override
  public Integer call() {
    Diffusion.Builder b = Diffusion.builder().warnings(w -> spec.commandLine().getErr().println(w));
    if (plugins != null) {
      b.plugins(plugins);
    }
    b.schedulers().names().forEach(spec.commandLine().getOut()::println);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
