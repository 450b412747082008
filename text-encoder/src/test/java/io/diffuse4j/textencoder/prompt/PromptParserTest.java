package io.diffuse4j.textencoder.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cases of AUTOMATIC1111's parse_prompt_attention docstring, plus the chunking and the emphasis math. */
class PromptParserTest {

  private static List<String> render(List<PromptFragment> f) {
    List<String> out = new ArrayList<>();
    for (PromptFragment p : f) {
      out.add(p.isBreak() ? "BREAK" : p.text() + "@" + p.weight());
    }
    return out;
  }

  @Test
  void plainTextIsOneFragment() {
    assertThat(render(PromptParser.parse("normal text"))).containsExactly("normal text@1.0");
    assertThat(PromptParser.hasSyntax("a cat: on a mat, 3.5")).isFalse();
    assertThat(PromptParser.hasSyntax("a (cat)")).isTrue();
  }

  @Test
  void automatic1111Examples() {
    assertThat(render(PromptParser.parse("an (important) word")))
        .containsExactly("an @1.0", "important@1.1", " word@1.0");
    assertThat(render(PromptParser.parse("(unbalanced"))).containsExactly("unbalanced@1.1");
    assertThat(render(PromptParser.parse("\\(literal\\]"))).containsExactly("(literal]@1.0");
    assertThat(render(PromptParser.parse("(unnecessary)(parens)"))).containsExactly("unnecessaryparens@1.1");
    assertThat(render(PromptParser.parse("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).")))
        .containsExactly("a @1.0", "house@" + (1.3 * 1.1 * 1.1), " @1.1", "on@1.0", " a @1.1", "hill@0.55",
            ", sun, @1.1", "sky@" + (1.1 * 1.1 * 1.1 * 1.1), ".@1.1");
  }

  @Test
  void nestingAndSquareBrackets() {
    assertThat(render(PromptParser.parse("((x))"))).containsExactly("x@" + (1.1 * 1.1));
    assertThat(render(PromptParser.parse("[x]"))).containsExactly("x@" + (1 / 1.1));
    assertThat(render(PromptParser.parse("(x:1.0)"))).containsExactly("x@1.0");
    assertThat(render(PromptParser.parse("a (x:1.0) b"))).containsExactly("a x b@1.0");
    assertThat(render(PromptParser.parse("unmatched) close]"))).containsExactly("unmatched) close]@1.0");
  }

  @Test
  void breakSplitsAndIsNotWeighted() {
    assertThat(render(PromptParser.parse("a cat BREAK a dog"))).containsExactly("a cat@1.0", "BREAK", "a dog@1.0");
    assertThat(render(PromptParser.parse("BREAKFAST"))).containsExactly("BREAKFAST@1.0");
  }

  @Test
  void loraTagsAreTakenOut() {
    PromptTags t = PromptTags.extract("a cat <lora:ink:0.8> and <lora:pen> <hypernet:x:1>");
    assertThat(t.prompt()).isEqualTo("a cat  and  <hypernet:x:1>");
    assertThat(t.loras()).containsExactly(new LoraTag("ink", 0.8), new LoraTag("pen", 1.0));
    assertThatThrownBy(() -> PromptTags.extract("<lora:ink:lots>")).hasMessageContaining("<lora:ink:lots>")
        .hasMessageContaining("not a number");
  }

  /** One id per character (letters a..z as 1..26), so chunk boundaries are easy to count. */
  private static int[] chars(String s) {
    return s.chars().filter(Character::isLetter).map(c -> c - 'a' + 1).toArray();
  }

  @Test
  void shortPromptGivesThePlainTokenizerLayout() {
    PromptChunker c = new PromptChunker(PromptParserTest::chars, 8, 100, 101, 0, Map.of());
    List<PromptChunk> chunks = c.chunk(PromptParser.parse("ab(c:2)"));
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).ids()).containsExactly(100, 1, 2, 3, 101, 0, 0, 0);
    assertThat(chunks.get(0).multipliers()).containsExactly(1f, 1f, 1f, 2f, 1f, 1f, 1f, 1f);
  }

  @Test
  void longPromptsSplitEveryWindowAndAtBreak() {
    PromptChunker c = new PromptChunker(PromptParserTest::chars, 5, 100, 101, 0, Map.of());
    List<PromptChunk> chunks = c.chunk(PromptParser.parse("abcdefg"));
    assertThat(chunks).hasSize(3);
    assertThat(chunks.get(0).ids()).containsExactly(100, 1, 2, 3, 101);
    assertThat(chunks.get(1).ids()).containsExactly(100, 4, 5, 6, 101);
    assertThat(chunks.get(2).ids()).containsExactly(100, 7, 101, 0, 0);
    List<PromptChunk> broken = c.chunk(PromptParser.parse("a BREAK b"));
    assertThat(broken).hasSize(2);
    assertThat(broken.get(1).ids()).containsExactly(100, 2, 101, 0, 0);
    assertThat(c.emptyChunk().ids()).containsExactly(100, 101, 0, 0, 0);
  }

  @Test
  void embeddingsStayInOneChunk() {
    PromptChunker c = new PromptChunker(PromptParserTest::chars, 5, 100, 101, 0, Map.of("<tok>", new int[] {50, 51}));
    List<PromptChunk> chunks = c.chunk(PromptParser.parse("ab (<TOK>:1.5) c"));
    assertThat(chunks).hasSize(2);
    assertThat(chunks.get(0).ids()).containsExactly(100, 1, 2, 101, 0);
    assertThat(chunks.get(1).ids()).containsExactly(100, 50, 51, 3, 101);
    assertThat(chunks.get(1).multipliers()).containsExactly(1f, 1.5f, 1.5f, 1f, 1f);
  }

  @Test
  void emphasisRestoresTheMean() {
    FloatTensor h = FloatTensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 3, 2);
    assertThat(Emphasis.apply(h, new float[] {1, 1, 1})).isSameAs(h);
    FloatTensor w = Emphasis.apply(h, new float[] {1, 2, 1});
    double before = Arrays.stream(new double[] {1, 2, 3, 4, 5, 6}).sum();
    double after = 0;
    for (float v : w.data()) {
      after += v;
    }
    assertThat(after).isCloseTo(before, org.assertj.core.data.Offset.offset(1e-4));
    float f = (float) (21.0 / 28.0);
    assertThat(w.data()[2]).isCloseTo(6 * f, org.assertj.core.data.Offset.offset(1e-5f));
    assertThat(w.data()[0]).isCloseTo(1 * f, org.assertj.core.data.Offset.offset(1e-5f));
  }
}
