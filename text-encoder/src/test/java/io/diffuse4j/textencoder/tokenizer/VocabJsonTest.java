package io.diffuse4j.textencoder.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VocabJsonTest {

  private static final Path FILE = Path.of("tokenizer/vocab.json");

  @Test
  void readsClipsVocabularyExactlyAsJackson() throws Exception {
    Path vocab = TestFiles.clipDir().resolve("vocab.json");
    String text = Files.readString(vocab, StandardCharsets.UTF_8);
    Map<String, Integer> jackson = new ObjectMapper().readValue(text, new TypeReference<Map<String, Integer>>() {});
    Map<String, Integer> ours = VocabJson.parse(text, vocab);
    assertThat(ours).hasSize(49408).isEqualTo(jackson);
  }

  @Test
  void escapesByteOrderMarkAndWhitespaceAreJsons() throws Exception {
    String text = "\uFEFF {\n\t\"a\\\"b\" : 0 ,\"\\\\\":1,\"\\u0120x\\n\\/\":2, \"\u00e9</w>\": 30 }\r\n";
    Map<String, Integer> ours = VocabJson.parse(text, FILE);
    assertThat(ours).containsExactlyInAnyOrderEntriesOf(Map.of("a\"b", 0, "\\", 1, "\u0120x\n/", 2, "\u00e9</w>", 30));
    assertThat(ours).isEqualTo(new ObjectMapper().readValue(text.substring(1), new TypeReference<Map<String, Integer>>() {}));
  }

  @Test
  void laterDuplicatesWinAsInJackson() {
    assertThat(VocabJson.parse("{\"a\": 1, \"a\": 2}", FILE)).isEqualTo(Map.of("a", 2));
  }

  @Test
  void badFilesNameTheFileThePlaceAndTheToken() {
    assertThatThrownBy(() -> VocabJson.parse("{\"a\": 1, ", FILE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokenizer/vocab.json is not valid JSON (line 1, column");
    assertThatThrownBy(() -> VocabJson.parse("{\"a\": 1,\n \"b\" 2}", FILE))
        .hasMessageContaining("line 2, column 6").hasMessageContaining("expected ':'");
    assertThatThrownBy(() -> VocabJson.parse("[1, 2]", FILE)).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> VocabJson.parse("{}", FILE)).hasMessageContaining("holds no tokens");
    assertThatThrownBy(() -> VocabJson.parse("{\"a\": 1} x", FILE)).hasMessageContaining("text after the object");
    assertThatThrownBy(() -> VocabJson.parse("{\"a\\q\": 1}", FILE)).hasMessageContaining("unknown escape");
    assertThatThrownBy(() -> VocabJson.parse("{\"a\\u12\": 1}", FILE)).hasMessageContaining("\\u escape");
    assertThatThrownBy(() -> VocabJson.parse("{\"a\u0001\": 1}", FILE)).hasMessageContaining("control character");
    assertThatThrownBy(() -> VocabJson.parse("{\"a", FILE)).hasMessageContaining("unterminated string");
    for (String id : new String[] {"\"x\"", "-1", "1.5", "2e3", "01", "4294967296", "true"}) {
      assertThatThrownBy(() -> VocabJson.parse("{\"tok\": " + id + "}", FILE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("token \"tok\" has id").hasMessageContaining("non-negative integer");
    }
  }
}
