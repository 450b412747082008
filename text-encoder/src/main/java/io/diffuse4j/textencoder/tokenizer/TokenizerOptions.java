package io.diffuse4j.textencoder.tokenizer;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Options for {@link ClipTokenizer#load(java.nio.file.Path, TokenizerOptions)}; each one overrides
 * what the tokenizer folder's {@code tokenizer_config.json} says.
 *
 * <pre>{@code
 * TokenizerOptions sd2 = TokenizerOptions.defaults().withPadToken("!").withReportUnknownWords(true);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxLength ids per prompt; empty: {@code model_max_length} from the config, else 77
 * @param padToken the padding token; empty: {@code pad_token} from the config, else the end token
 * @param reportUnknownWords whether {@link io.diffuse4j.api.model.TokenizedPrompt#unknownWords()}
 *     lists the words that are not one whole-word token ({@code word</w>}) of the vocabulary; only
 *     meaningful for closed-vocabulary models, off by default
 */
public record TokenizerOptions(OptionalInt maxLength, Optional<String> padToken, boolean reportUnknownWords) {

  /** Checks the values. */
  public TokenizerOptions {
    if (maxLength == null || padToken == null) {
      throw new IllegalArgumentException("TokenizerOptions: use OptionalInt.empty() / Optional.empty(), not null");
    }
    if (maxLength.isPresent() && maxLength.getAsInt() < 2) {
      throw new IllegalArgumentException(
          "TokenizerOptions.maxLength must be at least 2 (start and end token), got " + maxLength.getAsInt());
    }
    if (padToken.isPresent() && padToken.get().isEmpty()) {
      throw new IllegalArgumentException("TokenizerOptions.padToken must not be empty");
    }
  }

  /** Everything from the tokenizer folder; unknown words not reported. */
  public static TokenizerOptions defaults() {
    return new TokenizerOptions(OptionalInt.empty(), Optional.empty(), false);
  }

  /** A copy with the number of ids per prompt set. */
  public TokenizerOptions withMaxLength(int length) {
    return new TokenizerOptions(OptionalInt.of(length), padToken, reportUnknownWords);
  }

  /** A copy with the padding token set (e.g. {@code "<|endoftext|>"} for SD 1.x, {@code "!"} for SD 2.x). */
  public TokenizerOptions withPadToken(String token) {
    return new TokenizerOptions(maxLength, Optional.of(token), reportUnknownWords);
  }

  /** A copy that does or does not report unknown words. */
  public TokenizerOptions withReportUnknownWords(boolean report) {
    return new TokenizerOptions(maxLength, padToken, report);
  }
}
