package io.diffuse4j.pipelines.image;

import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationParameters;
import io.diffuse4j.api.noise.NoiseKind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Writes PNGs that carry their generation parameters in text chunks ({@code tEXt}, or {@code iTXt}
 * for text beyond Latin-1): one
 * {@code diffuse4j:KEY} chunk per parameter (prompt, negative_prompt, seed, steps, guidance,
 * scheduler, model, width, height, noise) and a {@code parameters} chunk in the layout other
 * Stable Diffusion tools show. The same image and parameters always give the same bytes.
 * {@link #readParameters(Path)} reads them back. Stateless and thread-safe.
 */
public final class PngWriter {

  private static final String PREFIX = "diffuse4j:";

  private PngWriter() {}

  /**
   * Writes {@code image} to {@code file}, refusing to replace an existing file; see
   * {@link #write(GeneratedImage, Path, OutputFiles.IfExists)}.
   */
  public static void write(GeneratedImage image, Path file) throws IOException {
    write(image, file, OutputFiles.IfExists.FAIL);
  }

  /**
   * Writes {@code image} to {@code file} through {@link OutputFiles}: a temporary file with an
   * unpredictable name in the same folder, renamed over {@code file} when complete, so a failure
   * never leaves half a PNG and a planted link never redirects the write. {@code file} must be
   * absent, or a regular file with {@link OutputFiles.IfExists#REPLACE}.
   *
   * @throws java.nio.file.FileAlreadyExistsException when {@code file} exists and may not be replaced
   * @throws IOException when {@code file} is a link, folder, device or FIFO, or writing fails
   */
  public static void write(GeneratedImage image, Path file, OutputFiles.IfExists ifExists) throws IOException {
    OutputFiles.write(file, ifExists, out -> write(image, out));
  }

  /**
   * Writes the PNG bytes to a stream (not closed). Text that Latin-1 can hold goes in {@code tEXt}
   * chunks, other text (any script, emoji) in UTF-8 {@code iTXt} chunks under the same keyword;
   * lone surrogates, which UTF-8 cannot hold, are escaped ({@code \\uD800}) in an {@code iTXt}
   * chunk whose language tag says so, so every Java string reads back exactly.
   */
  public static void write(GeneratedImage image, OutputStream out) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      IIOMetadata meta = writer.getDefaultImageMetadata(
          ImageTypeSpecifier.createFromRenderedImage(image.image()), writer.getDefaultWriteParam());
      String format = "javax_imageio_png_1.0";
      IIOMetadataNode root = new IIOMetadataNode(format);
      IIOMetadataNode text = new IIOMetadataNode("tEXt");
      IIOMetadataNode itxt = new IIOMetadataNode("iTXt");
      for (Map.Entry<String, String> e : toText(image.parameters()).entrySet()) {
        String v = e.getValue();
        if (isLatin1(v)) {
          IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
          entry.setAttribute("keyword", e.getKey());
          entry.setAttribute("value", v);
          text.appendChild(entry);
        } else {
          boolean escape = hasLoneSurrogate(v);
          IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
          entry.setAttribute("keyword", e.getKey());
          entry.setAttribute("compressionFlag", "FALSE");
          entry.setAttribute("compressionMethod", "0");
          entry.setAttribute("languageTag", escape ? ESCAPED_TAG : "");
          entry.setAttribute("translatedKeyword", "");
          entry.setAttribute("text", escape ? escape(v) : v);
          itxt.appendChild(entry);
        }
      }
      if (text.getLength() > 0) {
        root.appendChild(text);
      }
      if (itxt.getLength() > 0) {
        root.appendChild(itxt);
      }
      meta.mergeTree(format, root);
      writer.write(null, new IIOImage(image.image(), null, meta), writer.getDefaultWriteParam());
    } finally {
      writer.dispose();
    }
  }

  /** The iTXt language tag of values whose lone surrogates and backslashes are escaped. */
  private static final String ESCAPED_TAG = "x-diffuse4j-escaped";

  private static boolean isLatin1(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      // PNG tEXt: Latin-1 without NUL
      if (c > 255 || c == 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c) || c == 0) {
        return true;
      }
    }
    return false;
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c) || c == 0 || c == '\\') {
        b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 5 < s.length() && s.charAt(i + 1) == 'u') {
        try {
          b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
          i += 5;
          continue;
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
          // not an escape: kept as written
        }
      }
      b.append(c);
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
    for (Map.Entry<String, String> e : readAllText(file).entrySet()) {
      String k = e.getKey();
      if ((PREFIX + "prompt_utf8").equals(k)) {
        out.put("prompt", e.getValue()); // files written before every value could be iTXt
      } else if (k.startsWith(PREFIX) && !(k.equals(PREFIX + "prompt") && out.containsKey("prompt"))) {
        out.put(k.substring(PREFIX.length()), e.getValue());
      }
    }
    return out;
  }

  /** Every text chunk ({@code tEXt} and {@code iTXt}) of a PNG, keyword to text, in file order. */
  public static Map<String, String> readAllText(Path file) throws IOException {
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
          out.put(n.getAttribute("keyword"), n.getAttribute("value"));
        }
        NodeList itxt = ((IIOMetadataNode) root).getElementsByTagName("iTXtEntry");
        for (int i = 0; i < itxt.getLength(); i++) {
          IIOMetadataNode n = (IIOMetadataNode) itxt.item(i);
          String v = n.getAttribute("text");
          out.put(n.getAttribute("keyword"), ESCAPED_TAG.equals(n.getAttribute("languageTag")) ? unescape(v) : v);
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
