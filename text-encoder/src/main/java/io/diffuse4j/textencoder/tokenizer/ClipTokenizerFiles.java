package io.diffuse4j.textencoder.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the CLIP tokenizer files Stable Diffusion exports ship ({@code vocab.json},
 * {@code merges.txt}) and writes the equivalent Hugging Face {@code tokenizer.json}, the one
 * transformers' {@code CLIPTokenizerFast} builds (CLIPConverter): NFC + whitespace collapse +
 * lower-case normaliser, the CLIP regex split + ByteLevel pre-tokenizer, BPE with the
 * {@code </w>} end-of-word suffix, start and end tokens added around every text.
 *
 * <pre>{@code
 * ClipTokenizerFiles.writeTokenizerJson(dir.resolve("vocab.json"), dir.resolve("merges.txt"),
 *     dir.resolve("tokenizer.json"));
 * }</pre>
 *
 * <p>Stateless and thread-safe. Bad files raise {@link IllegalArgumentException} naming the file.
 */
public final class ClipTokenizerFiles {

  /** The CLIP start token. */
  public static final String START_TOKEN = "<|startoftext|>";
  /** The CLIP end token (also SD 1.x's padding and the unknown token). */
  public static final String END_TOKEN = "<|endoftext|>";
  /** The pre-tokenizer split of CLIPTokenizerFast (the special tokens are matched as added tokens). */
  public static final String SPLIT_REGEX = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ClipTokenizerFiles() {}

  /**
   * Writes the {@code tokenizer.json} for a CLIP vocabulary with the standard special tokens
   * ({@code <|startoftext|>}, {@code <|endoftext|>} also as unknown token).
   */
  public static void writeTokenizerJson(Path vocabJson, Path mergesTxt, Path out) {
    writeTokenizerJson(vocabJson, mergesTxt, out, START_TOKEN, END_TOKEN, END_TOKEN);
  }

  /**
   * Writes the {@code tokenizer.json} for a CLIP vocabulary with the given special tokens, which
   * must be in {@code vocabJson} (the unknown token may be absent: unknown characters are then
   * dropped).
   */
  public static void writeTokenizerJson(
      Path vocabJson, Path mergesTxt, Path out, String startToken, String endToken, String unkToken) {
    Map<String, Integer> vocab = readVocab(vocabJson);
    List<String> merges = readMerges(mergesTxt);
    String json = toJson(tokenizerJson(vocab, merges, startToken, endToken, unkToken, vocabJson));
    try {
      Files.writeString(out, json, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
    }
  }

  /** The tokenizer.json tree (CLIPConverter layout). */
  static ObjectNode tokenizerJson(
      Map<String, Integer> vocab,
      List<String> merges,
      String startToken,
      String endToken,
      String unkToken,
      Path vocabFile) {
    int startId = requireToken(vocab, startToken, vocabFile);
    int endId = requireToken(vocab, endToken, vocabFile);
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    added.add(addedToken(startId, startToken));
    added.add(addedToken(endId, endToken));

    ObjectNode normalizer = root.putObject("normalizer");
    normalizer.put("type", "Sequence");
    ArrayNode norms = normalizer.putArray("normalizers");
    norms.addObject().put("type", "NFC");
    ObjectNode replace = norms.addObject();
    replace.put("type", "Replace");
    replace.putObject("pattern").put("Regex", "\\s+");
    replace.put("content", " ");
    norms.addObject().put("type", "Lowercase");

    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "Sequence");
    ArrayNode pres = pre.putArray("pretokenizers");
    ObjectNode split = pres.addObject();
    split.put("type", "Split");
    split.putObject("pattern").put("Regex", SPLIT_REGEX);
    split.put("behavior", "Removed");
    split.put("invert", true);
    ObjectNode byteLevel = pres.addObject();
    byteLevel.put("type", "ByteLevel");
    byteLevel.put("add_prefix_space", false);
    byteLevel.put("trim_offsets", true);
    byteLevel.put("use_regex", true);

    ObjectNode post = root.putObject("post_processor");
    post.put("type", "RobertaProcessing");
    post.putArray("sep").add(endToken).add(endId);
    post.putArray("cls").add(startToken).add(startId);
    post.put("trim_offsets", false);
    post.put("add_prefix_space", false);

    ObjectNode decoder = root.putObject("decoder");
    decoder.put("type", "ByteLevel");
    decoder.put("add_prefix_space", true);
    decoder.put("trim_offsets", true);
    decoder.put("use_regex", true);

    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    if (unkToken != null && vocab.containsKey(unkToken)) {
      model.put("unk_token", unkToken);
    } else {
      model.putNull("unk_token");
    }
    model.put("continuing_subword_prefix", "");
    model.put("end_of_word_suffix", "</w>");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    ObjectNode vocabNode = model.putObject("vocab");
    vocab.entrySet().stream()
        .sorted(Map.Entry.comparingByValue())
        .forEach(e -> vocabNode.put(e.getKey(), e.getValue()));
    ArrayNode mergeNode = model.putArray("merges");
    merges.forEach(mergeNode::add);
    return root;
  }

  private static ObjectNode addedToken(int id, String content) {
    ObjectNode t = JsonNodeFactory.instance.objectNode();
    t.put("id", id);
    t.put("content", content);
    t.put("single_word", false);
    t.put("lstrip", false);
    t.put("rstrip", false);
    t.put("normalized", false);
    t.put("special", true);
    return t;
  }

  private static int requireToken(Map<String, Integer> vocab, String token, Path vocabFile) {
    Integer id = vocab.get(token);
    if (id == null) {
      throw new IllegalArgumentException(
          vocabFile + " has no entry for the special token \"" + token
              + "\": add it to the vocabulary (CLIP: \"<|startoftext|>\": 49406, \"<|endoftext|>\": 49407)"
              + " or name the model's own start/end tokens in tokenizer_config.json");
    }
    return id;
  }

  static String toJson(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise tokenizer.json", e);
    }
  }

  /** Reads {@code vocab.json}: a JSON object mapping each token to its id. */
  static Map<String, Integer> readVocab(Path vocabJson) {
    JsonNode node = readJson(vocabJson, "the model's tokenizer/vocab.json (token -> id)");
    if (!node.isObject() || node.isEmpty()) {
      throw new IllegalArgumentException(
          vocabJson + " must be a non-empty JSON object mapping tokens to ids; re-export the tokenizer"
              + " (copy tokenizer/vocab.json from the model)");
    }
    return vocabFromNode(node, vocabJson);
  }

  static Map<String, Integer> vocabFromNode(JsonNode node, Path file) {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber() || e.getValue().intValue() < 0) {
        throw new IllegalArgumentException(
            file + ": token \"" + e.getKey() + "\" has id " + e.getValue()
                + ", expected a non-negative integer; the vocabulary file is corrupt, copy it again from the model");
      }
      vocab.put(e.getKey(), e.getValue().intValue());
    }
    return vocab;
  }

  /** Reads {@code merges.txt}: an optional {@code #version} header, then one "a b" pair a line. */
  static List<String> readMerges(Path mergesTxt) {
    List<String> lines;
    try {
      lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          mergesTxt + " is missing: copy merges.txt from the model's tokenizer/ folder, or provide tokenizer.json", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + mergesTxt + " as UTF-8 text (" + e + "); copy merges.txt again from the model", e);
    }
    List<String> merges = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if ((i == 0 && line.startsWith("#version")) || line.isEmpty()) {
        continue;
      }
      String[] parts = line.split(" ");
      if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        throw new IllegalArgumentException(
            mergesTxt + " line " + (i + 1) + " is \"" + abbreviate(line)
                + "\", expected two tokens separated by one space; the file is corrupt, copy merges.txt again");
      }
      merges.add(line);
    }
    if (merges.isEmpty()) {
      throw new IllegalArgumentException(mergesTxt + " holds no merges; copy merges.txt again from the model");
    }
    return merges;
  }

  static JsonNode readJson(Path file, String what) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + " is missing: provide " + what, e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + " as UTF-8 (" + e + "): provide " + what, e);
    }
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          file + " is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage() + "); provide " + what,
          e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
