package io.diffuse4j.pipelines.stages;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import io.diffuse4j.onnx.OnnxSessionFactory;
import io.diffuse4j.textencoder.OnnxTextEncoderLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chunking against what the U-Net takes: longer sequences, or a fixed 77 (truncation with the warning). */
class PromptsTest {

  static TextEncoder te;

  @BeforeAll
  static void load() {
    Path dir = Path.of("..", "test-models", "sd15-tiny").toAbsolutePath().normalize();
    te = new OnnxTextEncoderLoader(new OnnxSessionFactory(RuntimeOptions.defaults(), w -> { }))
        .load(dir, "text_encoder", "tokenizer", "last_hidden_state");
  }

  @AfterAll
  static void close() {
    te.close();
  }

  @Test
  void longPromptsGetWindowsAndTheNegativeIsPaddedToMatch() {
    Warnings w = new Warnings(ProgressListener.NONE);
    Prompts.Chunks c = Prompts.chunks(te, "red circle ".repeat(75), "blue", Map.of(), Integer.MAX_VALUE, 1, true, w);
    assertThat(c.prompt()).hasSize(2);
    assertThat(c.negative()).hasSize(2);
    assertThat(w.list()).noneMatch(m -> m.contains("cut off"));
    assertThat(Prompts.encode(te, c.prompt(), 1).hiddenStates().shape()).containsExactly(1, 154, 32);
  }

  @Test
  void fixedLengthUnetsTruncateWithTheWarning() {
    Warnings w = new Warnings(ProgressListener.NONE);
    Prompts.Chunks c = Prompts.chunks(te, "red circle ".repeat(75) + "square", "", Map.of(), 77, 1, true, w);
    assertThat(c.prompt()).hasSize(1);
    assertThat(c.negative()).hasSize(1);
    assertThat(w.list()).anyMatch(m -> m.contains("cut off") && m.contains("square"));
  }
}
