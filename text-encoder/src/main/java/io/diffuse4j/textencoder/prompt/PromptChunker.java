package io.diffuse4j.textencoder.prompt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a parsed prompt into encoder windows the way AUTOMATIC1111 does for long prompts: each
 * fragment is tokenized on its own, tokens carry their fragment's weight, and every
 * {@code maxLength - 2} tokens (75 for CLIP) a new chunk starts; {@code BREAK} starts one early.
 * Each chunk is start token, its tokens, end token, then padding, so a prompt that fits one
 * window gives exactly the ids the plain tokenizer gives. Textual-inversion names in the text
 * are replaced by their vectors' ids, kept together in one chunk.
 *
 * <p>Thread-safe: immutable.
 */
public final class PromptChunker {

  private final Function<String, int[]> tokenize;
  private final int maxLength;
  private final int startId;
  private final int endId;
  private final int padId;
  private final Map<String, int[]> embeddings;
  private final Pattern embeddingNames;

  /**
   * A chunker.
   *
   * @param tokenize a text fragment's BPE ids without start and end tokens
   * @param maxLength the encoder's window (77 for CLIP)
   * @param embeddings textual-inversion names (matched as whole words, case-insensitively) and the
   *     ids their vectors have; may be empty
   */
  public PromptChunker(Function<String, int[]> tokenize, int maxLength, int startId, int endId, int padId,
      Map<String, int[]> embeddings) {
    this.tokenize = tokenize;
    this.maxLength = maxLength;
    this.startId = startId;
    this.endId = endId;
    this.padId = padId;
    this.embeddings = Map.copyOf(embeddings);
    if (embeddings.isEmpty()) {
      this.embeddingNames = null;
    } else {
      StringBuilder alt = new StringBuilder();
      embeddings.keySet().stream().sorted((a, b) -> b.length() - a.length()).forEach(n -> {
        alt.append(alt.length() > 0 ? "|" : "").append(Pattern.quote(n));
      });
      this.embeddingNames = Pattern.compile("(?<![\\p{L}\\p{N}_])(" + alt + ")(?![\\p{L}\\p{N}_])",
          Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }
  }

  /**
   * A chunker over a CLIP tokenizer.
   *
   * @throws io.diffuse4j.api.pipeline.InvalidRequestException when {@code tokenizer} is not a
   *     {@link io.diffuse4j.textencoder.tokenizer.ClipTokenizer} (which can tokenize fragments)
   */
  public static PromptChunker of(io.diffuse4j.api.model.Tokenizer tokenizer, Map<String, int[]> embeddings) {
    if (!(tokenizer instanceof io.diffuse4j.textencoder.tokenizer.ClipTokenizer clip)) {
      throw new io.diffuse4j.api.pipeline.InvalidRequestException("prompt", "weighted and long prompts need the CLIP"
          + " tokenizer; this model's tokenizer is " + tokenizer.getClass().getName());
    }
    return new PromptChunker(text -> {
      int[] all = clip.encode(text);
      return Arrays.copyOfRange(all, 1, all.length - 1);
    }, clip.maxLength(), clip.startId(), clip.endId(), clip.padId(), embeddings);
  }

  /** The prompt tokens one chunk holds (75 for CLIP). */
  public int chunkLength() {
    return maxLength - 2;
  }

  /** The chunks of {@code fragments}; at least one. */
  public List<PromptChunk> chunk(List<PromptFragment> fragments) {
    Builder b = new Builder();
    for (PromptFragment f : fragments) {
      if (f.isBreak()) {
        b.next();
        continue;
      }
      float w = (float) f.weight();
      for (Piece p : pieces(f.text())) {
        if (p.embedding() != null) {
          int[] ids = p.embedding();
          if (ids.length > chunkLength()) {
            throw new IllegalArgumentException("The embedding \"" + p.text() + "\" has " + ids.length
                + " vectors, more than the " + chunkLength() + " tokens a chunk holds");
          }
          if (b.tokens.size() + ids.length > chunkLength()) {
            b.next();
          }
          for (int id : ids) {
            b.add(id, w);
          }
        } else {
          for (int id : tokenize.apply(p.text())) {
            if (b.tokens.size() == chunkLength()) {
              b.next();
            }
            b.add(id, w);
          }
        }
      }
    }
    if (!b.tokens.isEmpty() || b.chunks.isEmpty()) {
      b.next();
    }
    return List.copyOf(b.chunks);
  }

  /** An empty prompt's chunk (what a shorter prompt is padded with). */
  public PromptChunk emptyChunk() {
    return new Builder().finish();
  }

  private record Piece(String text, int[] embedding) {}

  private List<Piece> pieces(String text) {
    List<Piece> out = new ArrayList<>();
    if (embeddingNames == null) {
      out.add(new Piece(text, null));
      return out;
    }
    Matcher m = embeddingNames.matcher(text);
    int last = 0;
    while (m.find()) {
      if (m.start() > last) {
        out.add(new Piece(text.substring(last, m.start()), null));
      }
      out.add(new Piece(m.group(), lookup(m.group())));
      last = m.end();
    }
    if (last < text.length() || out.isEmpty()) {
      out.add(new Piece(text.substring(last), null));
    }
    return out;
  }

  private int[] lookup(String name) {
    int[] ids = embeddings.get(name);
    if (ids != null) {
      return ids;
    }
    for (Map.Entry<String, int[]> e : embeddings.entrySet()) {
      if (e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return e.getValue();
      }
    }
    throw new IllegalStateException("no embedding " + name);
  }

  private final class Builder {
    final List<PromptChunk> chunks = new ArrayList<>();
    final List<Integer> tokens = new ArrayList<>();
    final List<Float> weights = new ArrayList<>();

    void add(int id, float w) {
      tokens.add(id);
      weights.add(w);
    }

    void next() {
      chunks.add(finish());
      tokens.clear();
      weights.clear();
    }

    PromptChunk finish() {
      int[] ids = new int[maxLength];
      float[] mult = new float[maxLength];
      Arrays.fill(ids, padId);
      Arrays.fill(mult, 1f);
      ids[0] = startId;
      for (int i = 0; i < tokens.size(); i++) {
        ids[i + 1] = tokens.get(i);
        mult[i + 1] = weights.get(i);
      }
      ids[tokens.size() + 1] = endId;
      return new PromptChunk(ids, mult, tokens.size());
    }
  }
}
