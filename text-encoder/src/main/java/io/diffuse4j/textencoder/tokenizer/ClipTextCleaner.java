package io.diffuse4j.textencoder.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text clean-up the original CLIP tokenizer applies before splitting a prompt into words
 * (openai/CLIP {@code simple_tokenizer.py}): {@code whitespace_clean(basic_clean(text)).lower()},
 * where {@code basic_clean} is {@code html.unescape(html.unescape(ftfy.fix_text(text))).strip()}.
 *
 * <p>{@code ftfy.fix_text} (ftfy 6.x defaults) is approximated step by step: HTML entities ending
 * in ';' (and their upper-case forms) unless the text holds a '&lt;'; UTF-8 read as Windows-1252 /
 * Latin-1 and ftfy's other single-byte encodings, detected with ftfy's badness heuristic
 * (tables exported from ftfy); C1 controls as Windows-1252; Latin ligatures; full- and half-width
 * forms; curly quotes; line breaks; lone surrogates; terminal escapes; control characters; NFC.
 * {@code html.unescape}
 * is implemented in full (HTML5 entities, legacy entities without ';', numeric references with
 * Python's replacements). Whitespace and lower-casing follow Python ({@code regex} {@code \s} is
 * Unicode White_Space; {@code str.lower} with final sigma).
 *
 * <pre>{@code
 * ClipTextCleaner cleaner = ClipTextCleaner.create();
 * cleaner.clean("  Fish &amp; Chips ")   // "fish & chips"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ClipTextCleaner {

  private static final Pattern ANSI = Pattern.compile("\u001b\\[((?:\\d|;)*)([a-zA-Z])");
  private static final Pattern FTFY_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");
  private static final Pattern CHARREF =
      Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)");
  private static final String WHITESPACE =
      "\t\n\u000b\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
          + "\u2009\u200a\u2028\u2029\u202f\u205f\u3000";
  private static final Pattern WHITESPACE_RUN = Pattern.compile("[" + WHITESPACE + "]+");
  private static final String LIGATURES_FROM = "\u0132\u0133\u0149\u01f1\u01f2\u01f3\u01c4\u01c5\u01c6"
      + "\u01c7\u01c8\u01c9\u01ca\u01cb\u01cc\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06";
  private static final String[] LIGATURES_TO = {
    "IJ", "ij", "\u02bcn", "DZ", "Dz", "dz", "D\u017d", "D\u017e", "d\u017e", "LJ", "Lj", "lj", "NJ",
    "Nj", "nj", "ff", "fi", "fl", "ffi", "ffl", "\u017ft", "st"
  };

  private final Map<String, String> html5;
  private final Map<String, String> ftfyEntities;
  private final Map<Integer, String> badRefs;
  private final Set<Integer> droppedRefs;
  private final FtfyEncodingFixer encodingFixer;

  private ClipTextCleaner(
      Map<String, String> html5,
      Map<String, String> ftfyEntities,
      Map<Integer, String> badRefs,
      Set<Integer> droppedRefs,
      FtfyEncodingFixer encodingFixer) {
    this.html5 = html5;
    this.ftfyEntities = ftfyEntities;
    this.badRefs = badRefs;
    this.droppedRefs = droppedRefs;
    this.encodingFixer = encodingFixer;
  }

  /** Creates a cleaner, reading the HTML entity tables from this jar (a few ms). */
  public static ClipTextCleaner create() {
    Map<String, String> html5 = new HashMap<>();
    Map<String, String> ftfy = new HashMap<>();
    Map<Integer, String> bad = new HashMap<>();
    Set<Integer> dropped = new HashSet<>();
    try (InputStream in = ClipTextCleaner.class.getResourceAsStream("html-entities.tsv")) {
      if (in == null) {
        throw new IllegalStateException("html-entities.tsv is missing from the diffuse4j-text-encoder jar");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\t", -1);
        String value = codePoints(parts[2]);
        switch (parts[0]) {
          case "html5" -> html5.put(parts[1], value);
          case "ftfy" -> ftfy.put(parts[1], value);
          case "badref" -> bad.put(Integer.parseInt(parts[1]), value);
          case "dropref" -> dropped.add(Integer.parseInt(parts[1]));
          default -> throw new IllegalStateException("html-entities.tsv: unknown row " + line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read html-entities.tsv from the text-encoder jar", e);
    }
    return new ClipTextCleaner(Map.copyOf(html5), Map.copyOf(ftfy), Map.copyOf(bad), Set.copyOf(dropped), FtfyEncodingFixer.load());
  }

  private static String codePoints(String hexList) {
    StringBuilder sb = new StringBuilder();
    for (String hex : hexList.split(" ")) {
      if (!hex.isEmpty()) {
        sb.appendCodePoint(Integer.parseInt(hex, 16));
      }
    }
    return sb.toString();
  }

  /**
   * The text the CLIP tokenizer splits into words: ftfy fix, HTML unescape (twice), whitespace
   * collapsed and trimmed, lower case.
   */
  public String clean(String text) {
    String fixed = fixText(text);
    String unescaped = htmlUnescape(htmlUnescape(fixed));
    String collapsed = WHITESPACE_RUN.matcher(strip(unescaped)).replaceAll(" ");
    return pythonLower(strip(collapsed));
  }

  /**
   * Python's {@code str.lower()}. Java's differs only for final sigma next to U+0345, which Python
   * counts as a cased letter and Java as case-ignorable: U+0345 stands in as a cased letter.
   */
  private static String pythonLower(String text) {
    char standIn = '\u1d6a'; // LATIN SUBSCRIPT SMALL LETTER CHI: lower case, cased, not case-ignorable
    if (text.indexOf('\u0345') < 0 || text.indexOf(standIn) >= 0) {
      return text.toLowerCase(Locale.ROOT);
    }
    return text.replace('\u0345', standIn).toLowerCase(Locale.ROOT).replace(standIn, '\u0345');
  }

  /** An approximation of {@code ftfy.fix_text(text)} with ftfy 6's default settings. */
  public String fixText(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean unescape = true;
    int pos = 0;
    while (pos < text.length()) {
      int nl = text.indexOf('\n', pos);
      int end = nl < 0 ? text.length() : nl + 1;
      String segment = text.substring(pos, end);
      if (segment.indexOf('<') >= 0) {
        unescape = false; // ftfy: once a segment looks like HTML, stop unescaping
      }
      out.append(fixSegment(segment, unescape));
      pos = end;
    }
    return out.toString();
  }

  private String fixSegment(String segment, boolean unescape) {
    String text = segment;
    for (int round = 0; round < 16; round++) {
      String before = text;
      if (unescape) {
        text = ftfyUnescape(text);
      }
      text = encodingFixer.fixEncoding(text);
      text = encodingFixer.fixC1Controls(text);
      text = fixLigatures(text);
      text = fixWidth(text);
      text = uncurlQuotes(text);
      text = fixLineBreaks(text);
      text = fixSurrogates(text);
      text = ANSI.matcher(text).replaceAll("");
      text = removeControlChars(text);
      text = Normalizer.normalize(text, Normalizer.Form.NFC);
      if (text.equals(before)) {
        break;
      }
    }
    return text;
  }

  private String ftfyUnescape(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    Matcher m = FTFY_ENTITY.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String entity = m.group();
      String replacement = ftfyEntities.get(entity);
      if (replacement == null) {
        replacement = entity;
        if (entity.startsWith("&#")) {
          String decoded = htmlUnescape(entity);
          replacement = decoded.indexOf(';') >= 0 ? entity : decoded;
        }
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String fixLigatures(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int idx = LIGATURES_FROM.indexOf(c);
      if (idx >= 0) {
        sb.append(LIGATURES_TO[idx]);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String fixWidth(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u3000') {
        sb.append(' ');
      } else if (c >= '\uff01' && c <= '\uffef') {
        sb.append(Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String uncurlQuotes(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u02bc' || (c >= '\u2018' && c <= '\u201b')) {
        sb.append('\'');
      } else if (c >= '\u201c' && c <= '\u201f') {
        sb.append('"');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String fixLineBreaks(String text) {
    return text.replace("\r\n", "\n")
        .replace('\r', '\n')
        .replace('\u2028', '\n')
        .replace('\u2029', '\n')
        .replace('\u0085', '\n');
  }

  private static String fixSurrogates(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        sb.append(c).append(text.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append('\ufffd');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String removeControlChars(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = c <= 0x08 || c == 0x0b || (c >= 0x0e && c <= 0x1f) || c == 0x7f
          || (c >= 0x206a && c <= 0x206f) || c == 0xfeff || (c >= 0xfff9 && c <= 0xfffc);
      if (!control) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Python's {@code html.unescape}. */
  public String htmlUnescape(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    Matcher m = CHARREF.matcher(text);
    StringBuilder sb = new StringBuilder(text.length());
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(replaceCharref(m.group(1))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private String replaceCharref(String s) {
    if (s.charAt(0) == '#') {
      boolean hex = s.charAt(1) == 'x' || s.charAt(1) == 'X';
      String digits = s.substring(hex ? 2 : 1);
      if (digits.endsWith(";")) {
        digits = digits.substring(0, digits.length() - 1);
      }
      BigInteger big = new BigInteger(digits, hex ? 16 : 10);
      if (big.compareTo(BigInteger.valueOf(0x10FFFF)) > 0) {
        return "\ufffd";
      }
      int num = big.intValue();
      String bad = badRefs.get(num);
      if (bad != null) {
        return bad;
      }
      if (num >= 0xD800 && num <= 0xDFFF) {
        return "\ufffd";
      }
      if (droppedRefs.contains(num)) {
        return "";
      }
      return new String(Character.toChars(num));
    }
    String exact = html5.get(s);
    if (exact != null) {
      return exact;
    }
    for (int x = s.length() - 1; x > 1; x--) {
      String prefix = html5.get(s.substring(0, x));
      if (prefix != null) {
        return prefix + s.substring(x);
      }
    }
    return "&" + s;
  }

  /** Python's {@code str.strip()} for the characters CLIP's text can still hold. */
  private static String strip(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && isPythonSpace(text.charAt(start))) {
      start++;
    }
    while (end > start && isPythonSpace(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(start, end);
  }

  private static boolean isPythonSpace(char c) {
    return WHITESPACE.indexOf(c) >= 0 || (c >= 0x1c && c <= 0x1f);
  }
}
