package io.diffuse4j.textencoder.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses AUTOMATIC1111's attention syntax into weighted text fragments. The grammar (see
 * docs/prompts.md):
 *
 * <ul>
 *   <li>{@code (text)} multiplies the weight of {@code text} by 1.1, {@code ((text))} by 1.21;
 *   <li>{@code [text]} divides it by 1.1;
 *   <li>{@code (text:1.5)} multiplies it by 1.5; brackets nest and multiply;
 *   <li>{@code \(}, {@code \)}, {@code \[}, {@code \]}, {@code \\} are the literal characters;
 *   <li>{@code BREAK} (upper case, a word on its own) ends the current 75-token chunk;
 *   <li>an unclosed bracket weighs everything after it; an unmatched closing one is text.
 * </ul>
 *
 * <p>Adjacent fragments of equal weight are merged, so a prompt without brackets is one fragment
 * of weight 1 holding the prompt's text unchanged.
 *
 * <pre>{@code
 * List<PromptFragment> f = PromptParser.parse("a (red:1.5) circle");
 * // [("a ", 1.0), ("red", 1.5), (" circle", 1.0)]
 * }</pre>
 *
 * <p>Thread-safe: stateless.
 */
public final class PromptParser {

  private static final double ROUND = 1.1;
  private static final double SQUARE = 1 / 1.1;
  private static final Pattern TOKEN = Pattern.compile(
      "\\\\\\(|\\\\\\)|\\\\\\[|\\\\]|\\\\\\\\|\\\\|\\(|\\[|:\\s*([+-]?[.\\d]+)\\s*\\)|\\)|]|[^\\\\()\\[\\]:]+|:");
  private static final Pattern BREAK = Pattern.compile("\\s*\\bBREAK\\b\\s*", Pattern.DOTALL);

  private PromptParser() {}

  /** Parses {@code prompt} into fragments in order; never empty (an empty prompt is one empty fragment). */
  public static List<PromptFragment> parse(String prompt) {
    List<String> texts = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    List<Boolean> breaks = new ArrayList<>();
    List<Integer> round = new ArrayList<>();
    List<Integer> square = new ArrayList<>();
    Matcher m = TOKEN.matcher(prompt);
    while (m.find()) {
      String t = m.group();
      String weight = m.group(1);
      if (t.startsWith("\\")) {
        texts.add(t.substring(1));
        weights.add(1.0);
        breaks.add(false);
      } else if (t.equals("(")) {
        round.add(texts.size());
      } else if (t.equals("[")) {
        square.add(texts.size());
      } else if (weight != null && !round.isEmpty() && parsable(weight)) {
        multiply(weights, breaks, round.remove(round.size() - 1), Double.parseDouble(weight));
      } else if (t.equals(")") && !round.isEmpty()) {
        multiply(weights, breaks, round.remove(round.size() - 1), ROUND);
      } else if (t.equals("]") && !square.isEmpty()) {
        multiply(weights, breaks, square.remove(square.size() - 1), SQUARE);
      } else {
        String[] parts = BREAK.split(t, -1);
        for (int i = 0; i < parts.length; i++) {
          if (i > 0) {
            texts.add("BREAK");
            weights.add(1.0);
            breaks.add(true);
          }
          texts.add(parts[i]);
          weights.add(1.0);
          breaks.add(false);
        }
      }
    }
    for (int pos : round) {
      multiply(weights, breaks, pos, ROUND);
    }
    for (int pos : square) {
      multiply(weights, breaks, pos, SQUARE);
    }
    List<PromptFragment> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      double w = weights.get(i);
      boolean isBreak = breaks.get(i);
      if (!out.isEmpty() && !isBreak && !out.get(out.size() - 1).isBreak() && out.get(out.size() - 1).weight() == w) {
        PromptFragment last = out.remove(out.size() - 1);
        out.add(new PromptFragment(last.text() + texts.get(i), w, false));
      } else {
        out.add(new PromptFragment(texts.get(i), w, isBreak));
      }
    }
    if (out.isEmpty()) {
      out.add(new PromptFragment("", 1.0, false));
    }
    return List.copyOf(out);
  }

  /** Whether the prompt uses any of the syntax (brackets, escapes, BREAK). */
  public static boolean hasSyntax(String prompt) {
    List<PromptFragment> f = parse(prompt);
    return f.size() != 1 || f.get(0).isBreak() || f.get(0).weight() != 1.0 || !f.get(0).text().equals(prompt);
  }

  private static boolean parsable(String number) {
    try {
      Double.parseDouble(number);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void multiply(List<Double> weights, List<Boolean> breaks, int from, double factor) {
    for (int p = from; p < weights.size(); p++) {
      if (!breaks.get(p)) {
        weights.set(p, weights.get(p) * factor);
      }
    }
  }
}
