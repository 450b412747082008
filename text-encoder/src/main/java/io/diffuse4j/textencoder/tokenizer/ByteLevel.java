package io.diffuse4j.textencoder.tokenizer;

import java.nio.charset.StandardCharsets;

/** GPT-2 / CLIP byte-to-unicode mapping (each UTF-8 byte as one printable character). */
final class ByteLevel {

  private static final char[] BYTE_TO_CHAR = table();

  private ByteLevel() {}

  private static char[] table() {
    char[] map = new char[256];
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      map[b] = printable ? (char) b : (char) (256 + n++);
    }
    return map;
  }

  /** The byte-level form of a word, as the BPE vocabulary spells it. */
  static String encode(String word) {
    byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      sb.append(BYTE_TO_CHAR[b & 0xFF]);
    }
    return sb.toString();
  }
}
