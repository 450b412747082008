package io.diffuse4j.samples.cli;

import io.diffuse4j.pipelines.model.ModelManifest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code diffuse manifest DIR}: writes (or with {@code --check} verifies) a model folder's SHA256SUMS. */
@Command(name = "manifest", mixinStandardHelpOptions = true,
    description = {"Write MODEL_DIR/SHA256SUMS: the SHA-256 of every file of a model folder, in sha256sum's format.",
        "Make it on a copy you trust; 'diffuse generate --model MODEL_DIR --verify' then refuses a changed or",
        "damaged copy, naming the file. 'sha256sum --check SHA256SUMS' in the folder checks it too."})
final class ManifestCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "MODEL_DIR", description = "The model folder.")
  Path dir;

  @Option(names = "--check", description = "Verify the folder against its SHA256SUMS instead of writing one.")
  boolean check;

  @Override
  public Integer call() {
    if (check) {
      ModelManifest m = ModelManifest.read(dir);
      m.verify(dir);
      spec.commandLine().getOut().println(dir + ": " + m.files().size() + " files match " + ModelManifest.FILE);
    } else {
      Path out = ModelManifest.write(dir);
      spec.commandLine().getOut().println(out + ": " + ModelManifest.read(dir).files().size() + " files");
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
