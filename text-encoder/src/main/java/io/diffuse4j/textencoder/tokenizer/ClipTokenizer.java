package io.diffuse4j.textencoder.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.diffuse4j.api.model.TokenizedPrompt;
import io.diffuse4j.api.model.Tokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLIP tokenizer of Stable Diffusion, on Hugging Face's tokenizers library (through DJL), with
 * the text clean-up of the original CLIP tokenizer done in Java ({@link ClipTextCleaner}).
 *
 * <p>{@link #load(Path)} reads a tokenizer folder: {@code tokenizer.json} when present, otherwise
 * {@code vocab.json} + {@code merges.txt} (what SD exports ship), plus the optional
 * {@code tokenizer_config.json} / {@code special_tokens_map.json} for {@code pad_token} (SD 1.x pads
 * with {@code <|endoftext|>}, SD 2.x with {@code !}) and {@code model_max_length} (77); a
 * closed-vocabulary model can set {@code "report_unknown_words": true} in
 * {@code tokenizer_config.json} to have {@link TokenizedPrompt#unknownWords()} filled (as
 * {@link TokenizerOptions#reportUnknownWords()} does). Prompts are
 * truncated with the end token kept last, then padded. The text clean-up and the word split are
 * always CLIP's (a {@code tokenizer.json}'s normalizer and pre_tokenizer are replaced); its BPE
 * model, added tokens and post-processor are used as they are. DJL is kept offline without touching system
 * properties: its telemetry check-in is marked done and its native library comes from its jar.
 *
 * <pre>{@code
 * try (ClipTokenizer tokenizer = ClipTokenizer.load(modelDir.resolve("tokenizer"))) {
 *   TokenizedPrompt p = tokenizer.tokenize("a photograph of an astronaut riding a horse");
 *   int[] ids = p.ids(); // 77 ids
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #tokenize} may be called from many threads; {@link #close()} frees the
 * native tokenizer and must not race with them.
 */
public final class ClipTokenizer implements Tokenizer, AutoCloseable {

  private static final int DEFAULT_MAX_LENGTH = 77;
  private static final Pattern WORDS =
      Pattern.compile(
          "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
          Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

  private final HuggingFaceTokenizer hfTokenizer;
  private final ClipTextCleaner cleaner;
  private final Set<String> wholeWords;
  private final int maxLength;
  private final int startId;
  private final int endId;
  private final int padId;
  private final boolean reportUnknownWords;
  private final String source;
  private volatile boolean closed;

  private ClipTokenizer(
      HuggingFaceTokenizer tokenizer,
      ClipTextCleaner cleaner,
      Set<String> wholeWords,
      int maxLength,
      int startId,
      int endId,
      int padId,
      boolean reportUnknownWords,
      String source) {
    this.hfTokenizer = tokenizer;
    this.cleaner = cleaner;
    this.wholeWords = wholeWords;
    this.maxLength = maxLength;
    this.startId = startId;
    this.endId = endId;
    this.padId = padId;
    this.reportUnknownWords = reportUnknownWords;
    this.source = source;
  }

  /** Loads the tokenizer folder with the settings its config files give. */
  public static ClipTokenizer load(Path tokenizerDir) {
    return load(tokenizerDir, TokenizerOptions.defaults());
  }

  /**
   * Loads the tokenizer folder; {@code options} override its config files.
   *
   * @throws IllegalArgumentException naming the file and the fix when a file is missing or corrupt
   */
  public static ClipTokenizer load(Path tokenizerDir, TokenizerOptions options) {
    if (tokenizerDir == null || !Files.isDirectory(tokenizerDir)) {
      throw new IllegalArgumentException(
          "tokenizer folder " + tokenizerDir + " does not exist: point to the model's tokenizer/ folder"
              + " (with tokenizer.json, or vocab.json and merges.txt)");
    }
    SpecialTokens specials = SpecialTokens.read(tokenizerDir);
    Path tokenizerJson = tokenizerDir.resolve("tokenizer.json");
    Definition def = Files.isRegularFile(tokenizerJson)
        ? fromTokenizerJson(tokenizerJson)
        : fromVocabAndMerges(tokenizerDir, specials);
    Map<String, Integer> vocab = def.vocab();
    String source = def.source();

    String padToken = options.padToken().orElse(specials.pad);
    Integer padId = vocab.get(padToken);
    if (padId == null) {
      throw new IllegalArgumentException(
          "pad token \"" + padToken + "\" (" + (options.padToken().isPresent() ? "TokenizerOptions.padToken"
              : "pad_token in " + specials.padSource) + ") is not in the vocabulary of " + source
              + ": use \"<|endoftext|>\" (SD 1.x) or \"!\" (SD 2.x)");
    }
    int maxLength = options.maxLength().orElse(specials.maxLength);

    boolean report = options.reportUnknownWords() || specials.reportUnknownWords();
    // only closed-vocabulary models report unknown words: the others need no whole-word set
    Set<String> wholeWords = new HashSet<>();
    if (report) {
      for (String token : vocab.keySet()) {
        if (token.endsWith("</w>")) {
          wholeWords.add(token);
        }
      }
    }
    DjlOffline.ensure();
    HuggingFaceTokenizer hf;
    try {
      hf = HuggingFaceTokenizer.newInstance(
          new ByteArrayInputStream(def.json().getBytes(StandardCharsets.UTF_8)),
          Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "the Hugging Face tokenizer library rejects " + source + " (" + e.getMessage()
              + "): the file is corrupt or not a CLIP tokenizer; copy the model's tokenizer/ folder again",
          e);
    }
    try {
      long[] empty = hf.encode("").getIds();
      if (empty.length != 2) {
        throw new IllegalArgumentException(
            source + " does not add exactly a start and an end token around a text (empty text gives "
                + empty.length + " ids): its post_processor must be CLIP's RobertaProcessing");
      }
      return new ClipTokenizer(hf, ClipTextCleaner.create(), Set.copyOf(wholeWords), maxLength,
          (int) empty[0], (int) empty[1], padId,
          report, source);
    } catch (RuntimeException e) {
      hf.close();
      throw e;
    }
  }

  /** The tokenizer.json text DJL gets, the vocabulary (added tokens included) and where it came from. */
  private record Definition(String json, Map<String, Integer> vocab, String source) {}

  private static Definition fromTokenizerJson(Path tokenizerJson) {
    JsonNode node = ClipTokenizerFiles.readJson(tokenizerJson, "a Hugging Face tokenizer.json, or delete it"
        + " and provide vocab.json and merges.txt");
    JsonNode model = node.path("model");
    if (!node.isObject() || !"BPE".equals(model.path("type").asText()) || !model.path("vocab").isObject()) {
      throw new IllegalArgumentException(
          tokenizerJson + " has no BPE model with a vocab (model.type must be \"BPE\"): it is not a CLIP"
              + " tokenizer; delete it and provide vocab.json and merges.txt");
    }
    ObjectNode tree = (ObjectNode) node;
    // The Java cleaner reproduces CLIP's own clean-up (ftfy, html, whitespace, lower); the fast
    // tokenizer's normaliser would redo part of it in a slightly different order.
    tree.putNull("normalizer");
    tree.putNull("truncation");
    tree.putNull("padding");
    // CLIP's word split, whatever the file says (older CLIPTokenizerFast files had GPT-2's)
    tree.set("pre_tokenizer", clipPreTokenizer());
    Map<String, Integer> vocab = new HashMap<>(ClipTokenizerFiles.vocabFromNode(model.path("vocab"), tokenizerJson));
    for (JsonNode added : node.path("added_tokens")) {
      vocab.putIfAbsent(added.path("content").asText(), added.path("id").asInt());
    }
    return new Definition(ClipTokenizerFiles.toJson(tree), vocab, tokenizerJson.toString());
  }

  private static Definition fromVocabAndMerges(Path dir, SpecialTokens specials) {
    Path vocabFile = dir.resolve("vocab.json");
    Path mergesFile = dir.resolve("merges.txt");
    if (!Files.isRegularFile(vocabFile) || !Files.isRegularFile(mergesFile)) {
      throw new IllegalArgumentException(
          dir + " has no tokenizer.json and no " + (Files.isRegularFile(vocabFile) ? "merges.txt" : "vocab.json")
              + ": copy the model's tokenizer/ folder (tokenizer.json, or vocab.json and merges.txt)");
    }
    ClipTokenizerFiles.VocabFile read = ClipTokenizerFiles.readVocabFile(vocabFile);
    Map<String, Integer> vocab = read.vocab();
    List<String> merges = ClipTokenizerFiles.readMerges(mergesFile);
    String json = ClipTokenizerFiles.tokenizerJsonText(vocab, read.json(), merges, specials.start, specials.end, specials.unk,
        vocabFile, false, exactSplit(ClipTokenizerFiles.SPLIT_REGEX));
    return new Definition(json, vocab, vocabFile + " + " + mergesFile);
  }

  private static ObjectNode clipPreTokenizer() {
    ObjectNode pre = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    pre.put("type", "Sequence");
    ObjectNode split = pre.putArray("pretokenizers").addObject();
    split.put("type", "Split");
    split.putObject("pattern").put("Regex", exactSplit(ClipTokenizerFiles.SPLIT_REGEX));
    split.put("behavior", "Removed");
    split.put("invert", true);
    ObjectNode byteLevel = ((com.fasterxml.jackson.databind.node.ArrayNode) pre.get("pretokenizers")).addObject();
    byteLevel.put("type", "ByteLevel");
    byteLevel.put("add_prefix_space", false);
    byteLevel.put("trim_offsets", true);
    byteLevel.put("use_regex", false);
    return pre;
  }

  /** CLIP's split is case-insensitive: its {@code 's} also takes an apostrophe with U+017F (long s). */
  private static String exactSplit(String regex) {
    return regex.contains("'s|'t|") && !regex.contains("'\u017f") ? regex.replace("'s|'t|", "'s|'\u017f|'t|") : regex;
  }

  @Override
  public int maxLength() {
    return maxLength;
  }

  /** The id of the start token ({@code <|startoftext|>}, 49406 for CLIP). */
  public int startId() {
    return startId;
  }

  /** The id of the end token ({@code <|endoftext|>}, 49407 for CLIP). */
  public int endId() {
    return endId;
  }

  /** The id prompts are padded with. */
  public int padId() {
    return padId;
  }

  /** The file(s) this tokenizer was read from. */
  public String source() {
    return source;
  }

  /** Start id, the BPE ids of the cleaned prompt, end id: not truncated, not padded. */
  public int[] encode(String prompt) {
    if (closed) {
      throw new IllegalStateException("this ClipTokenizer (" + source + ") is closed: load it again");
    }
    return toInts(hfTokenizer.encode(prepare(prompt)).getIds());
  }

  /**
   * CLIP's clean-up, plus two quirks of its case-insensitive word regex (Python {@code regex}
   * module) that a case-sensitive split does not have: U+0345 (combining ypogegrammeni, whose
   * case partner is a letter) matches no alternative and is skipped, like a space; and
   * {@code 's} also matches an apostrophe with U+017F (long s), handled in the split regex.
   */
  private String prepare(String prompt) {
    return cleaner.clean(prompt).replace('\u0345', ' ');
  }

  @Override
  public TokenizedPrompt tokenize(String prompt) {
    if (closed) {
      throw new IllegalStateException("this ClipTokenizer (" + source + ") is closed: load it again");
    }
    if (prompt == null) {
      throw new IllegalArgumentException("prompt is null: pass \"\" for an empty prompt");
    }
    String text = prepare(prompt);
    Encoding encoding = hfTokenizer.encode(text);
    long[] all = encoding.getIds();
    int[] ids = new int[maxLength];
    java.util.Arrays.fill(ids, padId);
    String dropped = "";
    if (all.length <= maxLength) {
      for (int i = 0; i < all.length; i++) {
        ids[i] = (int) all[i];
      }
    } else {
      for (int i = 0; i < maxLength - 1; i++) {
        ids[i] = (int) all[i];
      }
      ids[maxLength - 1] = endId;
      dropped = droppedText(text, encoding.getCharTokenSpans(), maxLength - 1);
    }
    List<String> unknown = reportUnknownWords ? unknownWords(text) : List.of();
    return new TokenizedPrompt(ids, all.length, dropped, unknown);
  }

  private static String droppedText(String text, CharSpan[] spans, int firstDropped) {
    for (int i = firstDropped; i < spans.length; i++) {
      CharSpan span = spans[i];
      if (span != null && span.getEnd() > span.getStart()) {
        int start = text.offsetByCodePoints(0, Math.min(span.getStart(), text.codePointCount(0, text.length())));
        return text.substring(start).strip();
      }
    }
    return "";
  }

  /** The words (CLIP's regex split of the cleaned prompt) that are no single {@code word</w>} token. */
  private List<String> unknownWords(String text) {
    Set<String> unknown = new LinkedHashSet<>();
    Matcher m = WORDS.matcher(text);
    while (m.find()) {
      String word = m.group();
      if (word.equals(ClipTokenizerFiles.START_TOKEN) || word.equals(ClipTokenizerFiles.END_TOKEN)) {
        continue;
      }
      if (!wholeWords.contains(ByteLevel.encode(word) + "</w>")) {
        unknown.add(word);
      }
    }
    return List.copyOf(new ArrayList<>(unknown));
  }

  private static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  /** Frees the native tokenizer. */
  @Override
  public void close() {
    closed = true;
    hfTokenizer.close();
  }

  @Override
  public String toString() {
    return "ClipTokenizer[" + source + ", maxLength=" + maxLength + ", padId=" + padId + "]";
  }

  /** bos/eos/unk/pad and model_max_length from tokenizer_config.json and special_tokens_map.json. */
  private record SpecialTokens(
      String start, String end, String unk, String pad, String padSource, int maxLength, boolean reportUnknownWords) {

    static SpecialTokens read(Path dir) {
      Path configFile = dir.resolve("tokenizer_config.json");
      Path mapFile = dir.resolve("special_tokens_map.json");
      JsonNode config = optionalJson(configFile);
      JsonNode map = optionalJson(mapFile);
      String start = token(map, config, "bos_token", ClipTokenizerFiles.START_TOKEN);
      String end = token(map, config, "eos_token", ClipTokenizerFiles.END_TOKEN);
      String unk = token(map, config, "unk_token", ClipTokenizerFiles.END_TOKEN);
      String pad = token(map, config, "pad_token", null);
      String padSource = token(map, null, "pad_token", null) != null ? mapFile.toString() : configFile.toString();
      if (pad == null) {
        pad = end; // CLIPTokenizer's default pad_token is <|endoftext|>
        padSource = configFile + " (absent: the end token)";
      }
      int maxLength = DEFAULT_MAX_LENGTH;
      JsonNode length = config.path("model_max_length");
      if (!length.isMissingNode() && !length.isNull()) {
        if (!length.isNumber() || length.asDouble() < 2) {
          throw new IllegalArgumentException(
              configFile + ": model_max_length is " + length + ", expected the encoder's context length"
                  + " (77 for CLIP); fix or remove the field");
        }
        // transformers writes 1e30 for "no limit": the CLIP text encoder still reads 77 positions
        maxLength = length.asDouble() > 1_000_000 ? DEFAULT_MAX_LENGTH : length.asInt();
      }
      boolean report = config.path("report_unknown_words").asBoolean(false);
      return new SpecialTokens(start, end, unk, pad, padSource, maxLength, report);
    }

    private static JsonNode optionalJson(Path file) {
      if (!Files.exists(file)) {
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
      }
      JsonNode node = ClipTokenizerFiles.readJson(file, "a JSON object (or delete the file to use CLIP's defaults)");
      if (!node.isObject()) {
        throw new IllegalArgumentException(
            file + " must hold a JSON object; fix it or delete it to use CLIP's defaults");
      }
      return node;
    }

    /** A token setting: a string, or an AddedToken object with "content". */
    private static String token(JsonNode first, JsonNode second, String key, String fallback) {
      for (JsonNode node : new JsonNode[] {first, second}) {
        if (node == null) {
          continue;
        }
        JsonNode value = node.path(key);
        if (value.isTextual()) {
          return value.asText();
        }
        if (value.isObject() && value.path("content").isTextual()) {
          return value.path("content").asText();
        }
      }
      return fallback;
    }
  }
}
