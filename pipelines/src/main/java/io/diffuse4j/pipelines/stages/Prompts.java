package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.model.TextEmbeddings;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TokenizedPrompt;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.textencoder.prompt.ChunkedEncoding;
import io.diffuse4j.textencoder.prompt.PromptChunk;
import io.diffuse4j.textencoder.prompt.PromptChunker;
import io.diffuse4j.textencoder.prompt.PromptFragment;
import io.diffuse4j.textencoder.prompt.PromptParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Tokenizing with the user-facing warnings (truncation, unknown words), and the prompt syntax:
 * AUTOMATIC1111's attention weights and 75-token chunks (docs/prompts.md). Stateless.
 */
final class Prompts {

  private Prompts() {}

  /**
   * Tokenizes {@code text}; {@code what} names it in warnings ("prompt", "negative prompt");
   * {@code warnings} may be null to tokenize silently (a second tokenizer of the same text).
   */
  static TokenizedPrompt tokenize(TextEncoder te, String text, String what, boolean closedVocabulary,
      Warnings warnings) {
    TokenizedPrompt t = te.tokenizer().tokenize(text);
    if (warnings == null) {
      return t;
    }
    if (t.truncated()) {
      warnTruncated(te, what, t.droppedText(), warnings);
    }
    warnUnknown(t, what, closedVocabulary, warnings);
    return t;
  }

  private static void warnTruncated(TextEncoder te, String what, String dropped, Warnings warnings) {
    warnings.warn("The " + what + " is longer than the text encoder's " + te.tokenizer().maxLength()
        + " tokens; this part was cut off: \"" + cut(dropped) + "\"");
  }

  private static void warnUnknown(TokenizedPrompt t, String what, boolean closedVocabulary, Warnings warnings) {
    if (closedVocabulary && !t.unknownWords().isEmpty()) {
      warnings.warn("The model does not know these words of the " + what + ": " + String.join(", ", t.unknownWords())
          + " (the image is still made, ignoring them)");
    }
  }

  /**
   * A prompt and negative prompt in encoder windows, padded to the same number of windows.
   *
   * @param prompt the prompt's windows
   * @param negative the negative prompt's windows, or null when not asked for
   */
  record Chunks(List<PromptChunk> prompt, List<PromptChunk> negative) {}

  /**
   * Parses and chunks {@code prompt} (and {@code negative} when not null); more windows than the
   * U-Net takes ({@code maxTextTokens}) are cut with the truncation warning.
   *
   * @param embeddings textual-inversion names and their token ids
   * @param minChunks the fewest windows to give (to match caller-supplied embeddings)
   * @param warnings null to chunk silently (the second encoder of SDXL)
   */
  static Chunks chunks(TextEncoder te, String prompt, String negative, Map<String, int[]> embeddings,
      int maxTextTokens, int minChunks, boolean closedVocabulary, Warnings warnings) {
    PromptChunker chunker = PromptChunker.of(te.tokenizer(), embeddings);
    int window = te.tokenizer().maxLength();
    int limit = maxTextTokens == Integer.MAX_VALUE ? Integer.MAX_VALUE : Math.max(1, maxTextTokens / window);
    List<PromptChunk> p = chunk(te, chunker, prompt, "prompt", embeddings, limit, closedVocabulary, warnings);
    List<PromptChunk> n = negative == null ? null
        : chunk(te, chunker, negative, "negative prompt", embeddings, limit, closedVocabulary, warnings);
    int count = Math.max(minChunks, Math.max(p.size(), n == null ? 0 : n.size()));
    return new Chunks(pad(p, count, chunker), n == null ? null : pad(n, count, chunker));
  }

  private static List<PromptChunk> chunk(TextEncoder te, PromptChunker chunker, String text, String what,
      Map<String, int[]> embeddings, int limit, boolean closedVocabulary, Warnings warnings) {
    List<PromptFragment> fragments = PromptParser.parse(text);
    List<PromptChunk> chunks = chunker.chunk(fragments);
    if (warnings != null) {
      StringBuilder plain = new StringBuilder();
      for (PromptFragment f : fragments) {
        plain.append(f.isBreak() ? " " : f.text());
      }
      String words = plain.toString();
      for (String name : embeddings.keySet()) {
        words = words.replaceAll("(?i)" + Pattern.quote(name), " ");
      }
      TokenizedPrompt t = te.tokenizer().tokenize(words);
      warnUnknown(t, what, closedVocabulary, warnings);
      if (chunks.size() > limit) {
        warnTruncated(te, what, t.truncated() ? t.droppedText() : "everything after the first "
            + limit * chunker.chunkLength() + " tokens", warnings);
      }
    }
    return chunks.size() > limit ? new ArrayList<>(chunks.subList(0, limit)) : chunks;
  }

  private static List<PromptChunk> pad(List<PromptChunk> chunks, int count, PromptChunker chunker) {
    List<PromptChunk> out = new ArrayList<>(chunks);
    while (out.size() < count) {
      out.add(chunker.emptyChunk());
    }
    return out;
  }

  /** Encodes windows (weighted, joined along the token axis); pooled output from the first. */
  static TextEmbeddings encode(TextEncoder te, List<PromptChunk> chunks, int clipSkip) {
    return ChunkedEncoding.encode(te, chunks, clipSkip);
  }

  /**
   * Checks caller-supplied embeddings against what the U-Net reads.
   *
   * @throws InvalidRequestException naming the field and the shapes
   */
  static void checkEmbeds(String field, FloatTensor t, int width, int maxTextTokens) {
    if (t.dim(-1) != width) {
      throw new InvalidRequestException(field, "has width " + t.dim(-1) + " but this model's U-Net reads " + width);
    }
    if (t.rank() == 3 && t.dim(1) > maxTextTokens) {
      throw new InvalidRequestException(field, "has " + t.dim(1) + " tokens but this model's U-Net takes "
          + maxTextTokens);
    }
  }

  /** Windows needed to match caller embeddings of {@code tokens} tokens, or an error naming the field. */
  static int windowsFor(String field, int tokens, int window) {
    if (tokens % window != 0) {
      throw new InvalidRequestException(field, "has " + tokens + " tokens, not a multiple of " + window
          + ": give the negative embeddings too, with the same shape");
    }
    return tokens / window;
  }

  /** At most 2000 characters of dropped text in a warning (a huge prompt is not echoed whole). */
  private static String cut(String s) {
    return s.length() <= 2000 ? s : s.substring(0, 2000) + "... (" + (s.length() - 2000) + " more characters)";
  }
}
