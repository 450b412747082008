package io.diffuse4j.textencoder.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ftfy 6's {@code fix_encoding}: detects mojibake with ftfy's badness heuristic and undoes it by
 * re-encoding in one of ftfy's single-byte encodings and decoding as UTF-8 (with ftfy's
 * {@code restore_byte_a0}, {@code replace_lossy_sequences} and {@code utf-8-variants}), or fixes
 * embedded UTF-8 mojibake sequence by sequence ({@code decode_inconsistent_utf8}). Tables come
 * from {@code ftfy-tables.json} (tools/gen_ftfy_tables.py). Immutable and thread-safe.
 */
final class FtfyEncodingFixer {

  private static final Pattern C1 = Pattern.compile("[\u0080-\u009f]");
  private static final Pattern CESU8 = Pattern.compile("\u00ed([\u00a0-\u00af])([\u0080-\u00bf])\u00ed([\u00b0-\u00bf])([\u0080-\u00bf])");
  private static final Pattern JAVA_NULL = Pattern.compile("\u00c0[\\s\\S]");

  private final Pattern badness;
  private final Pattern utf8Detector;
  private final Pattern alteredUtf8;
  private final Pattern lossyUtf8;
  private final Pattern aGraveWord;
  private final List<String> encodingOrder;
  /** Per encoding: character -> byte, for every character the encoding can produce. */
  private final Map<String, Map<Character, Integer>> encoders;
  private final String cp1252High;

  private FtfyEncodingFixer(JsonNode tables) {
    int flags = Pattern.UNICODE_CHARACTER_CLASS;
    badness = Pattern.compile(tables.path("badness").asText(), flags);
    utf8Detector = Pattern.compile(tables.path("utf8_detector").asText(), flags);
    alteredUtf8 = Pattern.compile(tables.path("altered_utf8").asText());
    lossyUtf8 = Pattern.compile(tables.path("lossy_utf8").asText());
    aGraveWord = Pattern.compile(tables.path("a_grave_word").asText());
    List<String> order = new ArrayList<>();
    tables.path("encoding_order").forEach(n -> order.add(n.asText()));
    encodingOrder = List.copyOf(order);
    Map<String, Map<Character, Integer>> enc = new HashMap<>();
    for (String name : encodingOrder) {
      JsonNode chars = tables.path("encodings").path(name);
      Map<Character, Integer> map = new HashMap<>();
      for (int b = 0; b < 256; b++) {
        boolean asciiPart = b < 0x80 && b != 0x1a;
        String s = asciiPart ? String.valueOf((char) b) : chars.get(b).asText();
        if (s.length() == 1) {
          map.putIfAbsent(s.charAt(0), b);
        }
      }
      enc.put(name, Map.copyOf(map));
    }
    encoders = Map.copyOf(enc);
    StringBuilder high = new StringBuilder();
    for (int b = 0x80; b < 0xa0; b++) {
      high.append(tables.path("encodings").path("sloppy-windows-1252").get(b).asText());
    }
    cp1252High = high.toString();
  }

  static FtfyEncodingFixer load() {
    try (InputStream in = FtfyEncodingFixer.class.getResourceAsStream("ftfy-tables.json")) {
      if (in == null) {
        throw new IllegalStateException("ftfy-tables.json is missing from the diffuse4j-text-encoder jar");
      }
      return new FtfyEncodingFixer(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read ftfy-tables.json from the text-encoder jar", e);
    }
  }

  /** ftfy's C1 fix: characters U+0080..U+009F read as Windows-1252 bytes. */
  String fixC1Controls(String text) {
    if (!C1.matcher(text).find()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      sb.append(c >= '\u0080' && c <= '\u009f' ? cp1252High.charAt(c - 0x80) : c);
    }
    return sb.toString();
  }

  boolean isBad(String text) {
    return badness.matcher(text).find();
  }

  /** {@code ftfy.fix_encoding}: one step at a time until nothing changes. */
  String fixEncoding(String text) {
    for (int guard = 0; guard < 32; guard++) {
      String fixed = oneStep(text);
      if (fixed.equals(text)) {
        return fixed;
      }
      text = fixed;
    }
    return text;
  }

  private String oneStep(String text) {
    if (text.isEmpty() || isAscii(text) || !isBad(text)) {
      return text;
    }
    List<String> possible = new ArrayList<>();
    for (String encoding : encodingOrder) {
      byte[] bytes = encode(text, encoding);
      if (bytes == null) {
        continue;
      }
      possible.add(encoding);
      String view = new String(bytes, StandardCharsets.ISO_8859_1);
      if (!encoding.equals("macroman") && alteredUtf8.matcher(view).find()) {
        // ftfy's restore_byte_a0: "Ã " as the word "à" first, then A0 bytes turned into spaces
        view = aGraveWord.matcher(view).replaceAll("\u00c3\u00a0 ");
        view = replaceAll(alteredUtf8, view, m -> m.replace(' ', '\u00a0'));
      }
      if (encoding.startsWith("sloppy")) {
        view = replaceAll(lossyUtf8, view, m -> "\u00ef\u00bf\u00bd");
      }
      if (view.indexOf('\u00ed') >= 0 || view.indexOf('\u00c0') >= 0) {
        view = utf8Variants(view);
      }
      String decoded = decode(view.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
      if (decoded != null) {
        return decoded;
      }
    }
    if (utf8Detector.matcher(text).find()) {
      int length = text.codePointCount(0, text.length());
      String fixed = replaceAll(utf8Detector, text,
          m -> m.codePointCount(0, m.length()) < length && isBad(m) ? fixEncoding(m) : m);
      if (!fixed.equals(text)) {
        return fixed;
      }
    }
    if (possible.contains("latin-1")) {
      String fixed = decode(text.getBytes(StandardCharsets.ISO_8859_1), Charset.forName("windows-1252"));
      if (fixed != null && !fixed.equals(text)) {
        return fixed;
      }
    }
    return fixC1Controls(text);
  }

  /** ftfy's utf-8-variants: CESU-8 surrogate pairs and Java's C0 80 null, on a bytes view. */
  private static String utf8Variants(String view) {
    String cesu = replaceAll(CESU8, view, m -> {
      int cp = ((m.charAt(1) & 0x0f) << 16) + ((m.charAt(2) & 0x3f) << 10)
          + ((m.charAt(4) & 0x0f) << 6) + (m.charAt(5) & 0x3f) + 0x10000;
      byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
      return new String(utf8, StandardCharsets.ISO_8859_1);
    });
    return replaceAll(JAVA_NULL, cesu, m -> "\u0000");
  }

  private byte[] encode(String text, String encoding) {
    Map<Character, Integer> map = encoders.get(encoding);
    byte[] out = new byte[text.length()];
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      Integer b = map.get(c);
      if (b == null) {
        return null;
      }
      out[i] = (byte) (int) b;
    }
    return out;
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static String decode(byte[] bytes, Charset charset) {
    try {
      return charset.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String replaceAll(Pattern pattern, String text, java.util.function.UnaryOperator<String> f) {
    Matcher m = pattern.matcher(text);
    StringBuilder sb = new StringBuilder(text.length());
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(f.apply(m.group())));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
