package io.diffuse4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.model.TokenizedPrompt;
import io.diffuse4j.textencoder.tokenizer.ClipTokenizer;
import io.diffuse4j.textencoder.tokenizer.ClipTokenizerFiles;
import io.diffuse4j.textencoder.tokenizer.TokenizerOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays the CLIP tokenizer conformance cases ({@code ldm-clip-tokenizer-cases/1}: {@code text},
 * untruncated {@code ids}, {@code input_ids_77_pad_eot}, {@code input_ids_77_pad_zero}) against a
 * tokenizer folder and prints one line per case and variant: {@code PASS <name>/<variant>} or
 * {@code FAIL <name>/<variant> <reason>} (the first differing position), then a summary line.
 * The padded variants load the folder with the padding token overridden ({@code <|endoftext|>}, then the token of id 0, {@code !} in CLIP).
 *
 * <pre>{@code
 * boolean ok = ClipTokenizerConformance.run(Path.of("cases.json"), modelDir.resolve("tokenizer"), System.out);
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class ClipTokenizerConformance {

  private ClipTokenizerConformance() {}

  /**
   * Runs every case of {@code casesFile} against {@code tokenizerDir}.
   *
   * @return whether every case passed
   * @throws IllegalArgumentException when the cases file or the tokenizer folder is unusable
   */
  public static boolean run(Path casesFile, Path tokenizerDir, PrintStream out) {
    JsonNode root = ClipTokenizerFiles.readJson(casesFile, "an ldm-clip-tokenizer-cases/1 file");
    JsonNode cases = root.path("cases");
    if (!cases.isArray()) {
      throw new IllegalArgumentException(casesFile + " has no \"cases\" array: expected an ldm-clip-tokenizer-cases/1 file");
    }
    String zeroToken = zeroToken(tokenizerDir);
    int passed = 0;
    int total = 0;
    try (ClipTokenizer eot = ClipTokenizer.load(tokenizerDir,
            TokenizerOptions.defaults().withMaxLength(77).withPadToken(ClipTokenizerFiles.END_TOKEN));
        ClipTokenizer zero = ClipTokenizer.load(tokenizerDir,
            TokenizerOptions.defaults().withMaxLength(77).withPadToken(zeroToken))) {
      int index = 0;
      for (JsonNode c : cases) {
        String text = c.path("text").asText();
        String name = caseName(c, index++);
        String[] variants = {"ids", "input_ids_77_pad_eot", "input_ids_77_pad_zero"};
        for (String variant : variants) {
          JsonNode expectedNode = c.path(variant);
          if (!expectedNode.isArray()) {
            continue;
          }
          int[] expected = new int[expectedNode.size()];
          for (int i = 0; i < expected.length; i++) {
            expected[i] = expectedNode.get(i).asInt();
          }
          String label = name + "/" + variant;
          String failure;
          try {
            int[] got;
            if (variant.equals("ids")) {
              got = eot.encode(text);
            } else {
              TokenizedPrompt p = (variant.endsWith("eot") ? eot : zero).tokenize(text);
              got = p.ids();
            }
            failure = compare(expected, got);
          } catch (RuntimeException e) {
            failure = "threw " + e;
          }
          total++;
          if (failure == null) {
            passed++;
            out.println("PASS " + label);
          } else {
            out.println("FAIL " + label + " " + failure);
          }
        }
      }
    }
    out.println("clip-tokenizer: " + passed + "/" + total + " passed");
    return passed == total;
  }

  private static String zeroToken(Path tokenizerDir) {
    Path tokenizerJson = tokenizerDir.resolve("tokenizer.json");
    JsonNode vocab = java.nio.file.Files.isRegularFile(tokenizerJson)
        ? ClipTokenizerFiles.readJson(tokenizerJson, "a tokenizer.json").path("model").path("vocab")
        : ClipTokenizerFiles.readJson(tokenizerDir.resolve("vocab.json"), "vocab.json");
    for (var it = vocab.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getValue().asInt(-1) == 0) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException(tokenizerDir + ": the vocabulary has no token with id 0 to pad with");
  }

  private static String caseName(JsonNode c, int index) {
    if (c.path("name").isTextual()) {
      return c.path("name").asText().replace(' ', '_');
    }
    String text = c.path("text").asText();
    String shortText = text.length() > 40 ? text.substring(0, 37) + "..." : text;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < shortText.length(); i++) {
      char ch = shortText.charAt(i);
      sb.append(Character.isWhitespace(ch) || Character.isISOControl(ch) ? '_' : ch);
    }
    return String.format("case%03d[%s]", index, sb);
  }

  /** Null when equal, else the first differing position with both values. */
  static String compare(int[] expected, int[] got) {
    int n = Math.min(expected.length, got.length);
    for (int i = 0; i < n; i++) {
      if (expected[i] != got[i]) {
        return "position " + i + ": expected " + expected[i] + ", got " + got[i]
            + " (expected " + window(expected, i) + ", got " + window(got, i) + ")";
      }
    }
    if (expected.length != got.length) {
      return "length: expected " + expected.length + " ids, got " + got.length + " (first difference at position " + n + ")";
    }
    return null;
  }

  private static String window(int[] ids, int at) {
    List<Integer> w = new ArrayList<>();
    for (int i = Math.max(0, at - 2); i < Math.min(ids.length, at + 3); i++) {
      w.add(ids[i]);
    }
    return w.toString();
  }
}
