package io.diffuse4j.textencoder.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expected strings are what openai/CLIP's basic_clean + whitespace_clean + lower give (ftfy 6.3). */
class ClipTextCleanerTest {

  private final ClipTextCleaner cleaner = ClipTextCleaner.create();

  @Test
  void htmlIsUnescapedLikePython() {
    assertThat(cleaner.clean("Fish &amp;amp; Chips &lt;3")).isEqualTo("fish & chips <3");
    assertThat(cleaner.htmlUnescape("&amp &notit; &#x1F600; &#128; &#0; &#xD800;")).isEqualTo("& ¬it; 😀 € \ufffd \ufffd");
    assertThat(cleaner.fixText("P&EACUTE;REZ")).isEqualTo("PÉREZ");
    assertThat(cleaner.fixText("<b>&EACUTE;</b>")).isEqualTo("<b>&EACUTE;</b>");
  }

  @Test
  void ftfyFixesAreApproximated() {
    assertThat(cleaner.clean("cafÃ© donâ€™t")).isEqualTo("café don't");
    assertThat(cleaner.clean("ＦＵＬＬ　ｗｉｄｔｈ")).isEqualTo("full width");
    assertThat(cleaner.clean("“ﬁne” ‘quotes’")).isEqualTo("\"fine\" 'quotes'");
    assertThat(cleaner.clean("\u001b[31mred\u001b[0m\u0000 text\ufeff")).isEqualTo("red text");
    assertThat(cleaner.clean("cafe\u0301")).isEqualTo("café");
  }

  @Test
  void whitespaceAndCaseFollowPython() {
    assertThat(cleaner.clean("  A\t\tB\r\nC\u00a0D\u3000E  ")).isEqualTo("a b c d e");
    assertThat(cleaner.clean("ΌΣΟΣ")).isEqualTo("όσος");
    assertThat(cleaner.clean("zero\u200bwidth")).isEqualTo("zero\u200bwidth");
  }
}
