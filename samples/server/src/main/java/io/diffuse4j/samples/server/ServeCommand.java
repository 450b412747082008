package io.diffuse4j.samples.server;

import io.diffuse4j.api.pipeline.DiffusionException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./diffuse serve}: runs {@link DiffuseServer} until interrupted (Ctrl-C). Exit codes: 0
 * after a clean stop, 2 bad usage, 1 failure.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, version = "diffuse4j 0.1.0",
    description = {"Serve the AUTOMATIC1111 API (/sdapi/v1), diffuse4j's job API (/api) and the web studio (/).",
        "Listens on loopback unless --host says otherwise."})
public final class ServeCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", description = "Model folder (a Stable Diffusion ONNX export). Default: the bundled model.")
  Path model;

  @Option(names = "--models-dir", description = "Folder whose sub-folders are models clients may switch to.")
  Path modelsDir;

  @Option(names = "--port", description = "TCP port (default ${DEFAULT-VALUE}; 0 = any free port).",
      defaultValue = "7860")
  int port;

  @Option(names = "--host", description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only).",
      defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--plugins", description = "Folder of plugin jars (schedulers and more).")
  Path plugins;

  @Option(names = "--lora-dir", description = "Folder of LoRA files clients may name (not wired into the server"
      + " yet; a warning says so).")
  Path loraDir;

  @Option(names = "--workers", description = "Generations at the same time (default ${DEFAULT-VALUE}).",
      defaultValue = "2")
  int workers;

  @Option(names = "--queue", description = "Jobs that may wait; more get 429 (default ${DEFAULT-VALUE}).",
      defaultValue = "8")
  int maxQueue;

  @Option(names = "--cors-origin", description = "Allow browser pages from this origin (repeatable). Default: CORS off.")
  List<String> corsOrigins = List.of();

  @Override
  public Integer call() throws Exception {
    for (Path p : new Path[] {model, modelsDir, plugins, loraDir}) {
      if (p != null && !Files.isDirectory(p)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "Folder " + p + " does not exist");
      }
    }
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--host " + host + " is not an address of this"
          + " machine");
    }
    if (loraDir != null) {
      spec.commandLine().getErr().println("warning: --lora-dir " + loraDir + " is ignored: the server does not pass"
          + " a LoRA folder to the pipeline yet, so prompts' <lora:...> tags are refused and /sdapi/v1/loras is not"
          + " served");
    }
    ServerSettings s = ServerSettings.defaults().withHost(host).withPort(port).withModel(model)
        .withModelsDir(modelsDir).withPlugins(plugins).withLoraDir(loraDir).withQueue(workers, maxQueue)
        .withCorsOrigins(corsOrigins);
    DiffuseServer server = DiffuseServer.start(s);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "diffuse-serve-shutdown"));
    String shown = host.contains(":") ? "[" + host + "]" : host;
    spec.commandLine().getOut().println("diffuse4j serving model '" + server.model() + "' at http://" + shown + ":"
        + server.port() + "/  (studio at /, AUTOMATIC1111 API at /sdapi/v1, job API at /api; Ctrl-C stops)");
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }

  /** Runs the command line. */
  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      cmd.getErr().println("error: " + ex.getMessage());
      return ex instanceof IllegalArgumentException ? 2 : ex instanceof DiffusionException ? 1 : 1;
    });
    System.exit(cl.execute(args));
  }
}
