package io.diffuse4j.api.model;

import java.nio.file.Path;

/**
 * Opens a text encoder and its tokenizer from a model folder. Implementations open sessions
 * only when called; the caller closes what it returns. Thread-safe.
 */
public interface TextEncoderLoader {

  /**
   * Opens {@code modelDir/encoderFolder/model.onnx} with the tokenizer in {@code modelDir/tokenizerFolder}.
   *
   * @param hiddenStatesOutput which output feeds the U-Net ({@code last_hidden_state}, or
   *     {@code penultimate} for SDXL's second-to-last hidden states)
   */
  TextEncoder load(Path modelDir, String encoderFolder, String tokenizerFolder, String hiddenStatesOutput);
}
