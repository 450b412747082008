package io.diffuse4j.samples.judge;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bundled model's world: colours (exact RGB), shapes, sizes, positions and the prompt grammar
 * {@code a|an [small|large] COLOUR SHAPE on a|an COLOUR background[ at the left|right|top|bottom|center]}.
 * Mirrors {@code tools/bundled-model/world.py}. Stateless and thread-safe.
 */
public final class PromptGrammar {

  /** Colour names and their exact RGB. */
  public static final Map<String, Integer> COLOURS = Map.of(
      "red", 0xDC2828, "green", 0x28AA3C, "blue", 0x2850DC, "yellow", 0xF0DC32,
      "white", 0xF5F5F5, "black", 0x191919, "purple", 0x8C3CB4, "orange", 0xF58C1E);
  /** Colour names in the recipe's order. */
  public static final List<String> COLOUR_NAMES =
      List.of("red", "green", "blue", "yellow", "white", "black", "purple", "orange");
  /** Shape kinds. */
  public static final List<String> SHAPES = List.of("circle", "square", "triangle");
  /** Named positions and their centres (fractions of the width). */
  public static final Map<String, double[]> POSITIONS = Map.of(
      "left", new double[] {0.27, 0.5}, "right", new double[] {0.73, 0.5}, "top", new double[] {0.5, 0.27},
      "bottom", new double[] {0.5, 0.73}, "center", new double[] {0.5, 0.5});
  /** Position names in the recipe's order. */
  public static final List<String> POSITION_NAMES = List.of("left", "right", "top", "bottom", "center");
  /**
   * The (shape colour, shape, background) triples held out of training ("colour/shape/background"):
   * 17 of the 168, chosen by {@code world.held_out_triples()} in the recipe.
   */
  public static final Set<String> HELD_OUT = Set.of(
      "black/triangle/orange", "blue/circle/orange", "blue/square/purple", "green/circle/orange",
      "green/square/black", "green/triangle/black", "purple/circle/black", "purple/circle/red",
      "purple/square/blue", "purple/triangle/blue", "red/circle/orange", "white/square/blue",
      "white/triangle/black", "white/triangle/purple", "yellow/circle/red", "yellow/circle/white",
      "yellow/square/white");

  private static final Pattern GRAMMAR = Pattern.compile(
      "an? (?:(small|large) )?(\\w+) (circle|square|triangle) on an? (\\w+) background(?: at the (left|right|top|bottom|center))?");

  private PromptGrammar() {}

  /**
   * Parses a prompt of the grammar.
   *
   * @throws IllegalArgumentException when the prompt is not of the grammar
   */
  public static Scene parse(String prompt) {
    Matcher m = GRAMMAR.matcher(prompt.trim().toLowerCase(java.util.Locale.ROOT));
    if (!m.matches() || !COLOURS.containsKey(m.group(2)) || !COLOURS.containsKey(m.group(4))) {
      throw new IllegalArgumentException("Not a prompt of the bundled model's grammar: \"" + prompt + "\" (expected"
          + " e.g. \"a small red circle on a blue background at the left\")");
    }
    return new Scene(m.group(2), m.group(3), m.group(4), m.group(1), m.group(5));
  }

  /** A random scene; {@code heldOut} selects whether its triple is one of {@link #HELD_OUT}. */
  public static Scene random(Random rng, boolean heldOut) {
    while (true) {
      String c = COLOUR_NAMES.get(rng.nextInt(8));
      String b = COLOUR_NAMES.get(rng.nextInt(8));
      String s = SHAPES.get(rng.nextInt(3));
      if (c.equals(b)) {
        continue;
      }
      String size = rng.nextDouble() < 0.5 ? (rng.nextBoolean() ? "small" : "large") : null;
      String pos = rng.nextDouble() < 0.6 ? POSITION_NAMES.get(rng.nextInt(5)) : null;
      Scene scene = new Scene(c, s, b, size, pos);
      if (scene.heldOut() == heldOut) {
        return scene;
      }
    }
  }
}
