package io.diffuse4j.pipelines.image;

import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationParameters;
import io.diffuse4j.api.noise.NoiseKind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.NodeList;

/**
 * Writes PNGs that carry their generation parameters in {@code tEXt} chunks: one
 * {@code diffuse4j:KEY} chunk per parameter (prompt, negative_prompt, seed, steps, guidance,
 * scheduler, model, width, height, noise) and a {@code parameters} chunk in the layout other
 * Stable Diffusion tools show. The same image and parameters always give the same bytes.
 * {@link #readParameters(Path)} reads them back. Stateless and thread-safe.
 */
public final class PngWriter {

  private static final String PREFIX = "diffuse4j:";

  private PngWriter() {}

  /** Writes {@code image} to {@code file} (through a temporary file, so a failure never leaves half a PNG). */
  public static void write(GeneratedImage image, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    // a sibling temporary file created with the default permissions (umask), renamed over the target
    Path tmp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
        + Thread.currentThread().getId() + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        write(image, out);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes the PNG bytes to a stream (not closed). */
  public static void write(GeneratedImage image, OutputStream out) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      IIOMetadata meta = writer.getDefaultImageMetadata(
          ImageTypeSpecifier.createFromRenderedImage(image.image()), writer.getDefaultWriteParam());
      String format = "javax_imageio_png_1.0";
      IIOMetadataNode root = new IIOMetadataNode(format);
      IIOMetadataNode text = new IIOMetadataNode("tEXt");
      for (Map.Entry<String, String> e : toText(image.parameters()).entrySet()) {
        IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
        entry.setAttribute("keyword", e.getKey());
        entry.setAttribute("value", latin1(e.getValue()));
        text.appendChild(entry);
      }
      IIOMetadataNode itxt = new IIOMetadataNode("iTXt");
      IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
      entry.setAttribute("keyword", PREFIX + "prompt_utf8");
      entry.setAttribute("compressionFlag", "FALSE");
      entry.setAttribute("compressionMethod", "0");
      entry.setAttribute("languageTag", "");
      entry.setAttribute("translatedKeyword", "");
      entry.setAttribute("text", image.parameters().prompt());
      itxt.appendChild(entry);
      root.appendChild(text);
      root.appendChild(itxt);
      meta.mergeTree(format, root);
      writer.write(null, new IIOImage(image.image(), null, meta), writer.getDefaultWriteParam());
    } finally {
      writer.dispose();
    }
  }

  private static String latin1(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      b.append(c < 256 ? c : '?');
    }
    return b.toString();
  }

  /** The text chunks for a set of parameters. */
  public static Map<String, String> toText(GenerationParameters p) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PREFIX + "prompt", p.prompt());
    m.put(PREFIX + "negative_prompt", p.negativePrompt());
    m.put(PREFIX + "seed", Long.toString(p.seed()));
    m.put(PREFIX + "steps", Integer.toString(p.steps()));
    m.put(PREFIX + "guidance", fmt(p.guidanceScale()));
    m.put(PREFIX + "scheduler", p.scheduler());
    m.put(PREFIX + "model", p.model());
    m.put(PREFIX + "width", Integer.toString(p.width()));
    m.put(PREFIX + "height", Integer.toString(p.height()));
    m.put(PREFIX + "noise", p.noise().name().toLowerCase(Locale.ROOT));
    m.put(PREFIX + "image_index", Integer.toString(p.imageIndex()));
    if (!Double.isNaN(p.strength())) {
      m.put(PREFIX + "strength", fmt(p.strength()));
    }
    m.put("parameters", p.prompt() + (p.negativePrompt().isEmpty() ? "" : "\nNegative prompt: " + p.negativePrompt())
        + "\nSteps: " + p.steps() + ", Sampler: " + p.scheduler() + ", CFG scale: " + fmt(p.guidanceScale())
        + ", Seed: " + p.seed() + ", Size: " + p.width() + "x" + p.height() + ", Model: " + p.model());
    return m;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  /** Reads the {@code diffuse4j:} parameters of a PNG written by this class (keys without the prefix). */
  public static Map<String, String> readText(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (ImageInputStreamHolder h = new ImageInputStreamHolder(file)) {
      javax.imageio.ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
      try {
        reader.setInput(h.stream);
        IIOMetadata meta = reader.getImageMetadata(0);
        org.w3c.dom.Node root = meta.getAsTree("javax_imageio_png_1.0");
        NodeList entries = ((IIOMetadataNode) root).getElementsByTagName("tEXtEntry");
        for (int i = 0; i < entries.getLength(); i++) {
          IIOMetadataNode n = (IIOMetadataNode) entries.item(i);
          String k = n.getAttribute("keyword");
          if (k.startsWith(PREFIX)) {
            out.put(k.substring(PREFIX.length()), n.getAttribute("value"));
          }
        }
        NodeList itxt = ((IIOMetadataNode) root).getElementsByTagName("iTXtEntry");
        for (int i = 0; i < itxt.getLength(); i++) {
          IIOMetadataNode n = (IIOMetadataNode) itxt.item(i);
          if ((PREFIX + "prompt_utf8").equals(n.getAttribute("keyword"))) {
            out.put("prompt", n.getAttribute("text"));
          }
        }
      } finally {
        reader.dispose();
      }
    }
    return out;
  }

  /** Reads the parameters of a PNG written by this class back into a record. */
  public static GenerationParameters readParameters(Path file) throws IOException {
    Map<String, String> m = readText(file);
    if (!m.containsKey("seed")) {
      throw new IOException(file + " has no diffuse4j parameters (it was not written by diffuse4j)");
    }
    return new GenerationParameters(m.get("prompt"), m.getOrDefault("negative_prompt", ""),
        Long.parseLong(m.get("seed")), Integer.parseInt(m.get("steps")), Double.parseDouble(m.get("guidance")),
        m.get("scheduler"), m.get("model"), Integer.parseInt(m.get("width")), Integer.parseInt(m.get("height")),
        NoiseKind.valueOf(m.getOrDefault("noise", "torch").toUpperCase(Locale.ROOT)),
        Integer.parseInt(m.getOrDefault("image_index", "0")),
        m.containsKey("strength") ? Double.parseDouble(m.get("strength")) : Double.NaN);
  }

  private static final class ImageInputStreamHolder implements AutoCloseable {
    final javax.imageio.stream.ImageInputStream stream;

    ImageInputStreamHolder(Path file) throws IOException {
      this.stream = ImageIO.createImageInputStream(file.toFile());
      if (stream == null) {
        throw new IOException("Cannot read " + file);
      }
    }

    @Override
    public void close() throws IOException {
      stream.close();
    }
  }
}
