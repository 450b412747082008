package io.diffuse4j.textencoder;

import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.InvalidModelException;

import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TextEncoderLoader;
import io.diffuse4j.api.model.Tokenizer;
import io.diffuse4j.onnx.LoadTasks;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.OnnxSessionFactory;
import io.diffuse4j.textencoder.tokenizer.ClipTokenizer;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.FutureTask;

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

  /**
   * {@inheritDoc}
   *
   * <p>The tokenizer is built on its own thread while the session is created (for CLIP's 49k-token
   * vocabulary the two take similar time, and session creation is mostly single-threaded).
   */
  @Override
  public TextEncoder load(Path modelDir, String encoderFolder, String tokenizerFolder, String hiddenStatesOutput) {
    Path tokDir = modelDir.resolve(tokenizerFolder);
    FutureTask<Tokenizer> tokenizerTask = new FutureTask<>(() -> loadTokenizer(tokDir));
    Thread builder = new Thread(tokenizerTask, "diffuse4j-tokenizer");
    builder.setDaemon(true);
    builder.start();
    OnnxModel model;
    try {
      model = sessions.open(modelDir.resolve(encoderFolder).resolve("model.onnx"), encoderFolder);
    } catch (RuntimeException | Error e) {
      // as when the tokenizer was built first: its failure is the one reported
      Tokenizer built;
      try {
        built = LoadTasks.await(tokenizerTask, "the tokenizer");
      } catch (RuntimeException | Error tokenizerFailure) {
        tokenizerFailure.addSuppressed(e);
        throw tokenizerFailure;
      }
      closeQuietly(built, e);
      throw e;
    }
    Tokenizer tokenizer;
    try {
      tokenizer = LoadTasks.await(tokenizerTask, "the tokenizer");
    } catch (RuntimeException | Error e) {
      model.close();
      throw e;
    }
    try {
      return new OnnxTextEncoder(model, tokenizer, hiddenStatesOutput);
    } catch (RuntimeException | Error e) {
      model.close();
      closeQuietly(tokenizer, e);
      throw e;
    }
  }

  private static void closeQuietly(Tokenizer tokenizer, Throwable cause) {
    if (tokenizer instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception suppressed) {
        cause.addSuppressed(suppressed);
      }
    }
  }

  private static Tokenizer loadTokenizer(Path tokDir) {
    try {
      return ClipTokenizer.load(tokDir);
    } catch (DiffusionException e) {
      throw e;
    } catch (RuntimeException e) {
      // malformed vocab.json / merges.txt / tokenizer.json: the message names the file and the field
      throw new InvalidModelException(tokDir, "The tokenizer in " + tokDir + " cannot be used: " + e.getMessage(), e);
    }
  }
}
