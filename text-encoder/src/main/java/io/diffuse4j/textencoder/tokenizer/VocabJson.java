package io.diffuse4j.textencoder.tokenizer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A reader for {@code vocab.json}, one JSON object of token → id, made for load time: one pass over
 * the text without a general JSON parser's machinery (CLIP's 49k entries read in tens of
 * milliseconds even before the JIT has warmed up, where a streaming parser took over a second in a
 * cold JVM). It accepts exactly a JSON object whose values are non-negative integers; anything else
 * is an {@link IllegalArgumentException} naming the file, the line and column, or the token.
 *
 * <p>Stateless and thread-safe.
 */
final class VocabJson {

  private static final String FIX = "; copy tokenizer/vocab.json again from the model";

  private final String text;
  private final Path file;
  private int pos;

  private VocabJson(String text, Path file, int start) {
    this.text = text;
    this.file = file;
    this.pos = start;
  }

  /** The index where the JSON starts: after a UTF-8 byte order mark, if there is one. */
  static int start(String text) {
    return !text.isEmpty() && text.charAt(0) == '\uFEFF' ? 1 : 0;
  }

  /** Parses {@code text} (the contents of {@code file}) into token → id. */
  static Map<String, Integer> parse(String text, Path file) {
    return new VocabJson(text, file, start(text)).object();
  }

  private Map<String, Integer> object() {
    Map<String, Integer> vocab = new HashMap<>(Math.max(16, text.length() / 12));
    skipSpace();
    if (pos >= text.length() || text.charAt(pos) != '{') {
      throw new IllegalArgumentException(file + " must be a JSON object mapping tokens to ids" + FIX);
    }
    pos++;
    skipSpace();
    if (peek() == '}') {
      pos++;
    } else {
      while (true) {
        String token = string();
        skipSpace();
        expect(':');
        skipSpace();
        vocab.put(token, id(token));
        skipSpace();
        char c = peek();
        pos++;
        if (c == '}') {
          break;
        }
        if (c != ',') {
          throw invalid(pos - 1, "expected ',' or '}'");
        }
        skipSpace();
      }
    }
    skipSpace();
    if (pos < text.length()) {
      throw invalid(pos, "text after the object");
    }
    if (vocab.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no tokens" + FIX);
    }
    return vocab;
  }

  private String string() {
    expect('"');
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        return text.substring(start, pos++);
      }
      if (c == '\\') {
        return escapedString(start);
      }
      if (c < 0x20) {
        throw invalid(pos, "control character in a string");
      }
      pos++;
    }
    throw invalid(start - 1, "unterminated string");
  }

  private String escapedString(int start) {
    StringBuilder sb = new StringBuilder(text.length() - start < 64 ? 16 : 64).append(text, start, pos);
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        return sb.toString();
      }
      if (c < 0x20) {
        throw invalid(pos, "control character in a string");
      }
      if (c != '\\') {
        sb.append(c);
        pos++;
        continue;
      }
      if (pos + 1 >= text.length()) {
        break;
      }
      char e = text.charAt(pos + 1);
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (pos + 6 > text.length()) {
            throw invalid(pos, "incomplete \\u escape");
          }
          int v = 0;
          for (int k = pos + 2; k < pos + 6; k++) {
            int d = Character.digit(text.charAt(k), 16);
            if (d < 0) {
              throw invalid(k, "bad hex digit in a \\u escape");
            }
            v = v * 16 + d;
          }
          sb.append((char) v);
          pos += 4;
        }
        default -> throw invalid(pos, "unknown escape \\" + e);
      }
      pos += 2;
    }
    throw invalid(start - 1, "unterminated string");
  }

  private int id(String token) {
    int start = pos;
    long v = 0;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9' && v <= Integer.MAX_VALUE) {
      v = v * 10 + (text.charAt(pos) - '0');
      pos++;
    }
    boolean leadingZero = pos - start > 1 && text.charAt(start) == '0';
    if (pos == start || v > Integer.MAX_VALUE || leadingZero || (pos < text.length() && ".eE-+".indexOf(text.charAt(pos)) >= 0)) {
      int end = start;
      while (end < text.length() && ",}\n\r\t ".indexOf(text.charAt(end)) < 0 && end - start < 40) {
        end++;
      }
      throw new IllegalArgumentException(file + ": token \"" + token + "\" has id " + text.substring(start, end)
          + ", expected a non-negative integer; the vocabulary file is corrupt" + FIX);
    }
    return (int) v;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw invalid(pos, "expected '" + c + "'");
    }
    pos++;
  }

  private char peek() {
    if (pos >= text.length()) {
      throw invalid(pos, "unexpected end of the file");
    }
    return text.charAt(pos);
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      pos++;
    }
  }

  private IllegalArgumentException invalid(int at, String what) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < Math.min(at, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new IllegalArgumentException(file + " is not valid JSON (line " + line + ", column " + column + ": "
        + what + ")" + FIX);
  }
}
