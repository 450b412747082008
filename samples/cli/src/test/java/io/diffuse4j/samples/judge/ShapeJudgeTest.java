package io.diffuse4j.samples.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShapeJudgeTest {

  /** Draws a scene the way tools/bundled-model/world.py renders it. */
  static BufferedImage draw(Scene s, Random rng) {
    double side = s.size() == null ? 0.18 + rng.nextDouble() * 0.32
        : "small".equals(s.size()) ? 0.18 + rng.nextDouble() * 0.08 : 0.40 + rng.nextDouble() * 0.10;
    double cx;
    double cy;
    if (s.position() != null) {
      double[] c = PromptGrammar.POSITIONS.get(s.position());
      cx = c[0] + (rng.nextDouble() * 0.08 - 0.04);
      cy = c[1] + (rng.nextDouble() * 0.08 - 0.04);
    } else {
      cx = side / 2 + rng.nextDouble() * (1 - side);
      cy = side / 2 + rng.nextDouble() * (1 - side);
    }
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    int fg = PromptGrammar.COLOURS.get(s.colour());
    int bg = PromptGrammar.COLOURS.get(s.background());
    double half = side / 2;
    for (int py = 0; py < 64; py++) {
      for (int px = 0; px < 64; px++) {
        double x = (px + 0.5) / 64;
        double y = (py + 0.5) / 64;
        boolean in = switch (s.shape()) {
          case "circle" -> (x - cx) * (x - cx) + (y - cy) * (y - cy) <= half * half;
          case "square" -> Math.abs(x - cx) <= half && Math.abs(y - cy) <= half;
          default -> {
            double t = (y - (cy - half)) / side;
            yield t >= 0 && t <= 1 && Math.abs(x - cx) <= half * t;
          }
        };
        img.setRGB(px, py, in ? fg : bg);
      }
    }
    return img;
  }

  @Test
  void judgesDrawnScenesCorrectly() {
    Random rng = new Random(3);
    for (int i = 0; i < 300; i++) {
      Scene s = PromptGrammar.random(rng, i % 5 == 0);
      Verdict v = ShapeJudge.judge(s, draw(s, rng));
      assertThat(v.allOk()).as("%s -> %s", s.prompt(), v).isTrue();
    }
  }

  @Test
  void catchesWrongAttributes() {
    Random rng = new Random(4);
    Scene asked = PromptGrammar.parse("a small red circle on a blue background at the left");
    Verdict wrong = ShapeJudge.judge(asked, draw(PromptGrammar.parse(
        "a large green square on a white background at the right"), rng));
    assertThat(wrong.backgroundOk()).isFalse();
    assertThat(wrong.colourOk()).isFalse();
    assertThat(wrong.shapeOk()).isFalse();
    assertThat(wrong.positionOk()).isFalse();
    assertThat(wrong.sizeOk()).isFalse();
    Verdict triangle = ShapeJudge.judge(PromptGrammar.parse("a large black triangle on a yellow background"),
        draw(PromptGrammar.parse("a large black triangle on a yellow background"), rng));
    assertThat(triangle.shape()).isEqualTo("triangle");
    assertThat(triangle.positionOk()).isNull();
  }

  @Test
  void grammarRoundTripsAndRejectsOtherText() {
    Scene s = PromptGrammar.parse("an orange square on a black background");
    assertThat(s.prompt()).isEqualTo("an orange square on a black background");
    assertThat(PromptGrammar.parse("a small red circle on a blue background at the left").prompt())
        .isEqualTo("a small red circle on a blue background at the left");
    assertThat(PromptGrammar.HELD_OUT).hasSize(17);
    assertThatThrownBy(() -> PromptGrammar.parse("a cat")).hasMessageContaining("grammar");
    assertThatThrownBy(() -> PromptGrammar.parse("a pink circle on a blue background")).hasMessageContaining("grammar");
  }
}
