package io.diffuse4j.textencoder.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.diffuse4j.api.model.TokenizedPrompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTokenizerTest {

  private static ClipTokenizer clip;

  @TempDir Path temp;

  @BeforeAll
  static void load() {
    clip = ClipTokenizer.load(TestFiles.clipDir());
  }

  @AfterAll
  static void close() {
    clip.close();
  }

  private static List<String> allPrompts() throws IOException {
    List<String> prompts = new ArrayList<>();
    for (String file : List.of("cases.json", "hard-cases.json")) {
      JsonNode root = new ObjectMapper().readTree(TestFiles.clipDir().resolve(file).toFile());
      root.path("cases").forEach(c -> prompts.add(c.path("text").asText()));
    }
    return prompts;
  }

  private Path copyClip(String... extraFiles) throws IOException {
    Path dir = Files.createDirectory(temp.resolve("tok"));
    Files.copy(TestFiles.clipDir().resolve("vocab.json"), dir.resolve("vocab.json"));
    Files.copy(TestFiles.clipDir().resolve("merges.txt"), dir.resolve("merges.txt"));
    for (int i = 0; i < extraFiles.length; i += 2) {
      Files.writeString(dir.resolve(extraFiles[i]), extraFiles[i + 1]);
    }
    return dir;
  }

  @Test
  void defaultsAreClipsSd1Settings() {
    assertThat(clip.maxLength()).isEqualTo(77);
    assertThat(clip.startId()).isEqualTo(49406);
    assertThat(clip.endId()).isEqualTo(49407);
    assertThat(clip.padId()).isEqualTo(49407);
    TokenizedPrompt p = clip.tokenize("a photo of a cat");
    assertThat(p.ids()).hasSize(77).startsWith(49406, 320, 1125, 539, 320, 2368, 49407, 49407);
    assertThat(p.untruncatedLength()).isEqualTo(7);
    assertThat(p.truncated()).isFalse();
    assertThat(p.droppedText()).isEmpty();
    assertThat(p.unknownWords()).isEmpty();
  }

  @Test
  void tokenizerJsonAndVocabMergesGiveIdenticalIds() throws IOException {
    Path dir = Files.createDirectory(temp.resolve("json"));
    ClipTokenizerFiles.writeTokenizerJson(
        TestFiles.clipDir().resolve("vocab.json"), TestFiles.clipDir().resolve("merges.txt"), dir.resolve("tokenizer.json"));
    try (ClipTokenizer fromJson = ClipTokenizer.load(dir)) {
      assertThat(fromJson.source()).endsWith("tokenizer.json");
      List<String> prompts = allPrompts();
      assertThat(prompts).hasSizeGreaterThan(70);
      for (String prompt : prompts) {
        assertThat(fromJson.encode(prompt)).as(prompt).isEqualTo(clip.encode(prompt));
        assertThat(fromJson.tokenize(prompt).ids()).as(prompt).isEqualTo(clip.tokenize(prompt).ids());
      }
    }
  }

  @Test
  void oldStyleTokenizerJsonStillSplitsLikeClip() throws IOException {
    // transformers' first CLIPTokenizerFast files: GPT-2's ByteLevel split, no normaliser
    Path dir = Files.createDirectory(temp.resolve("old"));
    ClipTokenizerFiles.writeTokenizerJson(
        TestFiles.clipDir().resolve("vocab.json"), TestFiles.clipDir().resolve("merges.txt"), dir.resolve("tokenizer.json"));
    ObjectMapper json = new ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode tree =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(dir.resolve("tokenizer.json").toFile());
    tree.putNull("normalizer");
    tree.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("use_regex", true);
    json.writeValue(dir.resolve("tokenizer.json").toFile(), tree);
    try (ClipTokenizer old = ClipTokenizer.load(dir)) {
      for (String prompt : allPrompts()) {
        assertThat(old.encode(prompt)).as(prompt).isEqualTo(clip.encode(prompt));
      }
    }
  }

  @Test
  void truncationKeepsEndTokenLastAndReportsDroppedText() {
    TokenizedPrompt p = clip.tokenize("cat ".repeat(76).strip());
    assertThat(p.untruncatedLength()).isEqualTo(78);
    assertThat(p.ids()).hasSize(77);
    assertThat(p.ids()[75]).isEqualTo(2368);
    assertThat(p.ids()[76]).isEqualTo(49407);
    assertThat(p.droppedText()).isEqualTo("cat");
    assertThat(p.truncated()).isTrue();

    TokenizedPrompt exact = clip.tokenize("cat ".repeat(75).strip());
    assertThat(exact.untruncatedLength()).isEqualTo(77);
    assertThat(exact.truncated()).isFalse();
  }

  @Test
  void droppedTextOffsetsSurviveNonAsciiText() {
    // the emoji and accented words before the cut make char, code point and byte offsets differ
    int emoji = clip.encode("🐱").length - 2;
    int cafe = clip.encode("café").length - 2;
    String prompt = "🐱 café " + "cat ".repeat(75 - emoji - cafe) + "Dog, BIG!";
    TokenizedPrompt p = clip.tokenize(prompt);
    assertThat(p.ids()[75]).isEqualTo(2368);
    assertThat(p.droppedText()).isEqualTo("dog, big!");
    assertThat(p.untruncatedLength()).isEqualTo(77 + 4);
  }

  @Test
  void padTokenAndLengthComeFromTheConfig() throws IOException {
    Path sd2 = copyClip("tokenizer_config.json",
        "{\"pad_token\": \"!\", \"model_max_length\": 77, \"bos_token\": {\"content\": \"<|startoftext|>\", \"__type\": \"AddedToken\"}}");
    try (ClipTokenizer t = ClipTokenizer.load(sd2)) {
      assertThat(t.padId()).isZero();
      assertThat(t.tokenize("a photo of a cat").ids()).endsWith(0, 0, 0).startsWith(49406, 320);
    }
    Files.writeString(sd2.resolve("special_tokens_map.json"),
        "{\"pad_token\": {\"content\": \"<|endoftext|>\", \"lstrip\": false}}");
    Files.writeString(sd2.resolve("tokenizer_config.json"), "{\"model_max_length\": 10}");
    try (ClipTokenizer t = ClipTokenizer.load(sd2)) {
      assertThat(t.padId()).isEqualTo(49407);
      assertThat(t.maxLength()).isEqualTo(10);
      TokenizedPrompt p = t.tokenize("a photograph of an astronaut riding a horse on the moon");
      assertThat(p.ids()).containsExactly(49406, 320, 8853, 539, 550, 18376, 6765, 320, 4558, 49407);
      assertThat(p.droppedText()).isEqualTo("on the moon");
    }
    try (ClipTokenizer t = ClipTokenizer.load(sd2, TokenizerOptions.defaults().withPadToken("!").withMaxLength(12))) {
      assertThat(t.padId()).isZero();
      assertThat(t.tokenize("cat").ids()).containsExactly(49406, 2368, 49407, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
  }

  @Test
  void closedVocabularyTokenizesWholeWordsAndReportsUnknownWords() throws Exception {
    Path dir = Path.of(getClass().getResource("/closed-vocab/vocab.json").toURI()).getParent();
    JsonNode vocab = new ObjectMapper().readTree(dir.resolve("vocab.json").toFile());
    try (ClipTokenizer t = ClipTokenizer.load(dir, TokenizerOptions.defaults().withReportUnknownWords(true))) {
      assertThat(t.startId()).isEqualTo(vocab.path("<|startoftext|>").asInt());
      TokenizedPrompt p = t.tokenize("A red circle on a BLUE background");
      int[] expected = {t.startId(), id(vocab, "a"), id(vocab, "red"), id(vocab, "circle"), id(vocab, "on"),
          id(vocab, "a"), id(vocab, "blue"), id(vocab, "background"), t.endId()};
      assertThat(Arrays.copyOf(p.ids(), 9)).containsExactly(expected);
      assertThat(p.untruncatedLength()).isEqualTo(9);
      assertThat(p.unknownWords()).isEmpty();

      TokenizedPrompt unknown = t.tokenize("a purple circle, big cats and a dog");
      assertThat(unknown.unknownWords()).containsExactly("purple", ",", "cats");
    }
    try (ClipTokenizer quiet = ClipTokenizer.load(dir)) {
      assertThat(quiet.tokenize("a purple circle").unknownWords()).isEmpty();
    }
    Path flagged = Files.createDirectory(temp.resolve("flagged"));
    Files.copy(dir.resolve("vocab.json"), flagged.resolve("vocab.json"));
    Files.copy(dir.resolve("merges.txt"), flagged.resolve("merges.txt"));
    Files.writeString(flagged.resolve("tokenizer_config.json"), "{\"report_unknown_words\": true}");
    try (ClipTokenizer fromConfig = ClipTokenizer.load(flagged)) {
      assertThat(fromConfig.tokenize("a purple circle").unknownWords()).containsExactly("purple");
    }
  }

  private static int id(JsonNode vocab, String word) {
    JsonNode id = vocab.path(word + "</w>");
    assertThat(id.isInt()).as(word).isTrue();
    return id.asInt();
  }

  @Test
  void openVocabularyReportsMultiTokenWordsOnRequest() {
    try (ClipTokenizer t = ClipTokenizer.load(TestFiles.clipDir(), TokenizerOptions.defaults().withReportUnknownWords(true))) {
      assertThat(t.tokenize("a cat on a windowsill, 8k").unknownWords()).containsExactly("windowsill");
    }
  }

  @Test
  void missingFolderOrFilesNameTheFix() throws IOException {
    assertThatThrownBy(() -> ClipTokenizer.load(temp.resolve("nope")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope").hasMessageContaining("tokenizer/");
    Path dir = Files.createDirectory(temp.resolve("only-vocab"));
    Files.copy(TestFiles.clipDir().resolve("vocab.json"), dir.resolve("vocab.json"));
    assertThatThrownBy(() -> ClipTokenizer.load(dir))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("merges.txt").hasMessageContaining("tokenizer.json");
  }

  @Test
  void corruptFilesNameTheFile() throws IOException {
    Path dir = copyClip();
    Files.writeString(dir.resolve("vocab.json"), "{\"a\": 1, ");
    assertThatThrownBy(() -> ClipTokenizer.load(dir))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocab.json").hasMessageContaining("not valid JSON");
    Files.writeString(dir.resolve("vocab.json"), "{\"a\": \"x\"}");
    assertThatThrownBy(() -> ClipTokenizer.load(dir))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocab.json").hasMessageContaining("\"a\"");
    Files.copy(TestFiles.clipDir().resolve("vocab.json"), dir.resolve("vocab.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\ni n\nthree part line\n");
    assertThatThrownBy(() -> ClipTokenizer.load(dir))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("merges.txt line 3");
    Files.copy(TestFiles.clipDir().resolve("merges.txt"), dir.resolve("merges.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"pad_token\": ");
    assertThatThrownBy(() -> ClipTokenizer.load(dir))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenizer_config.json");
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"pad_token\": \"<pad>\"}");
    assertThatThrownBy(() -> ClipTokenizer.load(dir))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<pad>").hasMessageContaining("tokenizer_config.json");
    Files.delete(dir.resolve("tokenizer_config.json"));
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\"}}");
    assertThatThrownBy(() -> ClipTokenizer.load(dir))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenizer.json").hasMessageContaining("BPE");
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": 7}}");
    assertThatThrownBy(() -> ClipTokenizer.load(dir))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenizer.json");
  }

  @Test
  void concurrentTokenizationGivesTheSequentialResults() throws Exception {
    List<String> prompts = allPrompts();
    List<int[]> sequential = prompts.stream().map(p -> clip.tokenize(p).ids()).toList();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          for (int round = 0; round < 5; round++) {
            for (int i = 0; i < prompts.size(); i++) {
              if (!Arrays.equals(clip.tokenize(prompts.get(i)).ids(), sequential.get(i))) {
                return false;
              }
            }
          }
          return true;
        }));
      }
      for (java.util.concurrent.Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void nullPromptIsRejected() {
    assertThatThrownBy(() -> clip.tokenize(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
