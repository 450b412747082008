package io.diffuse4j.textencoder;

import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.InvalidModelException;

import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TextEncoderLoader;
import io.diffuse4j.api.model.Tokenizer;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.OnnxSessionFactory;
import io.diffuse4j.textencoder.tokenizer.ClipTokenizer;
import jakarta.inject.Inject;
import java.nio.file.Path;

/**
 * Opens a CLIP text encoder and its tokenizer from a model folder. Thread-safe.
 */
public final class OnnxTextEncoderLoader implements TextEncoderLoader {

  private final OnnxSessionFactory sessions;

  /** A loader opening sessions with {@code sessions}. */
  @Inject
  public OnnxTextEncoderLoader(OnnxSessionFactory sessions) {
    this.sessions = sessions;
  }

  @Override
  public TextEncoder load(Path modelDir, String encoderFolder, String tokenizerFolder, String hiddenStatesOutput) {
    Path tokDir = modelDir.resolve(tokenizerFolder);
    Tokenizer tokenizer;
    try {
      tokenizer = ClipTokenizer.load(tokDir);
    } catch (DiffusionException e) {
      throw e;
    } catch (RuntimeException e) {
      // malformed vocab.json / merges.txt / tokenizer.json: the message names the file and the field
      throw new InvalidModelException(tokDir, "The tokenizer in " + tokDir + " cannot be used: " + e.getMessage(), e);
    }
    OnnxModel model = sessions.open(modelDir.resolve(encoderFolder).resolve("model.onnx"), encoderFolder);
    try {
      return new OnnxTextEncoder(model, tokenizer, hiddenStatesOutput);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }
}
