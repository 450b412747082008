package io.diffuse4j.textencoder.tokenizer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
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
 * lower-case normaliser, the CLIP regex split + ByteLevel pre-tokenizer (without GPT-2's regex,
 * which would split one CLIP word, an apostrophe with a long s), BPE with the
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
    String json = tokenizerJsonText(vocab, null, merges, startToken, endToken, unkToken, vocabJson, true, SPLIT_REGEX);
    try {
      Files.writeString(out, json, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
    }
  }

  /**
   * The tokenizer.json text (CLIPConverter layout), written with a streaming generator so that a
   * 49k-token vocabulary costs little; {@code vocabJson}, when not null, is the text of the JSON object
   * {@code vocab} was parsed from, copied as it is (neither re-serialised nor sorted); {@code withNormalizer}
   * false leaves the normaliser out (ClipTokenizer cleans the text itself); {@code splitRegex} is the
   * pre-tokenizer's split.
   */
  static String tokenizerJsonText(
      Map<String, Integer> vocab,
      String vocabJson,
      List<String> merges,
      String startToken,
      String endToken,
      String unkToken,
      Path vocabFile,
      boolean withNormalizer,
      String splitRegex) {
    int startId = requireToken(vocab, startToken, vocabFile);
    int endId = requireToken(vocab, endToken, vocabFile);
    StringWriter out = new StringWriter(vocab.size() * 24 + merges.size() * 12);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("version", "1.0");
      g.writeNullField("truncation");
      g.writeNullField("padding");
      g.writeArrayFieldStart("added_tokens");
      writeAddedToken(g, startId, startToken);
      writeAddedToken(g, endId, endToken);
      g.writeEndArray();
      if (withNormalizer) {
        g.writeObjectFieldStart("normalizer");
        g.writeStringField("type", "Sequence");
        g.writeArrayFieldStart("normalizers");
        g.writeStartObject();
        g.writeStringField("type", "NFC");
        g.writeEndObject();
        g.writeStartObject();
        g.writeStringField("type", "Replace");
        g.writeObjectFieldStart("pattern");
        g.writeStringField("Regex", "\\s+");
        g.writeEndObject();
        g.writeStringField("content", " ");
        g.writeEndObject();
        g.writeStartObject();
        g.writeStringField("type", "Lowercase");
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
      } else {
        g.writeNullField("normalizer");
      }
      g.writeObjectFieldStart("pre_tokenizer");
      g.writeStringField("type", "Sequence");
      g.writeArrayFieldStart("pretokenizers");
      g.writeStartObject();
      g.writeStringField("type", "Split");
      g.writeObjectFieldStart("pattern");
      g.writeStringField("Regex", splitRegex);
      g.writeEndObject();
      g.writeStringField("behavior", "Removed");
      g.writeBooleanField("invert", true);
      g.writeEndObject();
      g.writeStartObject();
      g.writeStringField("type", "ByteLevel");
      g.writeBooleanField("add_prefix_space", false);
      g.writeBooleanField("trim_offsets", true);
      // the Split above already made CLIP's words; GPT-2's regex on top would split "'ſ"
      g.writeBooleanField("use_regex", false);
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();

      g.writeObjectFieldStart("post_processor");
      g.writeStringField("type", "RobertaProcessing");
      g.writeArrayFieldStart("sep");
      g.writeString(endToken);
      g.writeNumber(endId);
      g.writeEndArray();
      g.writeArrayFieldStart("cls");
      g.writeString(startToken);
      g.writeNumber(startId);
      g.writeEndArray();
      g.writeBooleanField("trim_offsets", false);
      g.writeBooleanField("add_prefix_space", false);
      g.writeEndObject();

      g.writeObjectFieldStart("decoder");
      g.writeStringField("type", "ByteLevel");
      g.writeBooleanField("add_prefix_space", true);
      g.writeBooleanField("trim_offsets", true);
      g.writeBooleanField("use_regex", true);
      g.writeEndObject();

      g.writeObjectFieldStart("model");
      g.writeStringField("type", "BPE");
      g.writeNullField("dropout");
      if (unkToken != null && vocab.containsKey(unkToken)) {
        g.writeStringField("unk_token", unkToken);
      } else {
        g.writeNullField("unk_token");
      }
      g.writeStringField("continuing_subword_prefix", "");
      g.writeStringField("end_of_word_suffix", "</w>");
      g.writeBooleanField("fuse_unk", false);
      g.writeBooleanField("byte_fallback", false);
      if (vocabJson != null) {
        g.writeFieldName("vocab");
        g.writeRawValue(vocabJson.strip());
      } else {
        g.writeObjectFieldStart("vocab");
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(vocab.entrySet());
        if (!sortedById(entries)) { // vocab.json files are written in id order: usually nothing to sort
          entries.sort(Map.Entry.comparingByValue());
        }
        for (Map.Entry<String, Integer> e : entries) {
          g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      g.writeArrayFieldStart("merges");
      for (String merge : merges) {
        g.writeString(merge);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write tokenizer.json text", e);
    }
    return out.toString();
  }

  private static boolean sortedById(List<Map.Entry<String, Integer>> entries) {
    for (int i = 1; i < entries.size(); i++) {
      if (entries.get(i - 1).getValue() > entries.get(i).getValue()) {
        return false;
      }
    }
    return true;
  }

  private static void writeAddedToken(JsonGenerator g, int id, String content) throws IOException {
    g.writeStartObject();
    g.writeNumberField("id", id);
    g.writeStringField("content", content);
    g.writeBooleanField("single_word", false);
    g.writeBooleanField("lstrip", false);
    g.writeBooleanField("rstrip", false);
    g.writeBooleanField("normalized", false);
    g.writeBooleanField("special", true);
    g.writeEndObject();
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
    return readVocabFile(vocabJson).vocab();
  }

  /**
   * {@code vocab.json} as read: its text (the JSON object, after a byte order mark if any) and the
   * token → id map parsed from it.
   */
  record VocabFile(String json, Map<String, Integer> vocab) {}

  /** Reads and checks {@code vocab.json}, keeping its text (see {@link VocabJson}). */
  static VocabFile readVocabFile(Path vocabJson) {
    String fix = "; copy tokenizer/vocab.json again from the model";
    String text;
    try {
      checkSize(vocabJson, "the model's tokenizer/vocab.json");
      text = Files.readString(vocabJson, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(vocabJson + " is missing: provide the model's tokenizer/vocab.json", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + vocabJson + " as UTF-8 (" + e + ")" + fix, e);
    }
    Map<String, Integer> vocab = VocabJson.parse(text, vocabJson);
    return new VocabFile(text.substring(VocabJson.start(text)), vocab);
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
      checkSize(mergesTxt, "merges.txt of the model");
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
      int space = line.indexOf(' ');
      if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
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

  /** Largest tokenizer file read (CLIP's tokenizer.json is 2 MB, its merges.txt 0.5 MB). */
  static final long MAX_FILE_BYTES = 64L << 20;

  static void checkSize(Path file, String what) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(file + " is " + size + " bytes, more than the " + MAX_FILE_BYTES
            + " a tokenizer file may have (CLIP's tokenizer.json is about 2 MB): provide " + what);
      }
    } catch (IOException e) {
      // reported by the read that follows
    }
  }

  /**
   * Reads a UTF-8 JSON file; a missing or malformed file is an {@link IllegalArgumentException}
   * naming the file and {@code what} it should hold.
   */
  public static JsonNode readJson(Path file, String what) {
    String text;
    checkSize(file, what);
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
          file + " is not valid JSON (" + (e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr()
              + ", column " + e.getLocation().getColumnNr() + ": ") + e.getOriginalMessage() + "); provide " + what,
          e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
