package io.diffuse4j.pipelines.adapters;

import io.diffuse4j.api.pipeline.InvalidRequestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A folder of LoRA files that prompts name with {@code <lora:NAME:SCALE>} (AUTOMATIC1111's and
 * stable-diffusion.cpp's syntax): {@code NAME} is a file name without {@code .safetensors},
 * looked up in the folder and its subfolders. Pickled files ({@code .ckpt}, {@code .pt}) are not
 * listed.
 *
 * <pre>{@code
 * LoraLibrary loras = new LoraLibrary(Path.of("loras"));
 * loras.names();            // ["ink", "styles/pen"]
 * Path ink = loras.resolve("ink");
 * }</pre>
 *
 * <p>Thread-safe: reads the folder on each call (files may be added while a server runs).
 */
public final class LoraLibrary {

  private static final String EXT = ".safetensors";
  private final Path dir;

  /** A library over {@code dir}. */
  public LoraLibrary(Path dir) {
    this.dir = dir;
  }

  /** The folder. */
  public Path dir() {
    return dir;
  }

  /** One LoRA of the folder: its prompt name and file. */
  public record Entry(String name, Path file) {}

  /** The LoRA files of the folder, sorted by name; empty when the folder does not exist. */
  public List<Entry> list() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir, 8)) {
      files.filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(EXT))
          .forEach(f -> {
            String rel = dir.relativize(f).toString().replace('\\', '/');
            out.add(new Entry(rel.substring(0, rel.length() - EXT.length()), f));
          });
    } catch (IOException e) {
      throw new UncheckedIOException("Could not list the LoRA folder " + dir + ": " + e.getMessage(), e);
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return List.copyOf(out);
  }

  /** The names prompts can use. */
  public List<String> names() {
    return list().stream().map(Entry::name).toList();
  }

  /**
   * The file for a prompt's {@code <lora:NAME>}: {@code NAME.safetensors} in the folder, or the
   * only file of that base name in a subfolder.
   *
   * @throws InvalidRequestException naming the folder and the names it has when none fits
   */
  public Path resolve(String name) {
    Path direct = dir.resolve(name + EXT).normalize();
    if (!direct.startsWith(dir.normalize())) {
      throw new InvalidRequestException("prompt", "<lora:" + name + "> points outside the LoRA folder " + dir);
    }
    if (Files.isRegularFile(direct)) {
      return direct;
    }
    List<Entry> all = list();
    List<Entry> byBase = all.stream().filter(e -> e.name().equals(name)
        || e.name().endsWith("/" + name)).toList();
    if (byBase.size() == 1) {
      return byBase.get(0).file();
    }
    throw new InvalidRequestException("prompt", "<lora:" + name + "> names no file of the LoRA folder " + dir
        + (byBase.size() > 1 ? " unambiguously (" + byBase.stream().map(Entry::name).toList() + ")"
            : all.isEmpty() ? ", which holds no .safetensors files" : "; it has " + names()));
  }
}
