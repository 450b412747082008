package io.diffuse4j.samples.judge;

/**
 * What a prompt of the bundled model's grammar asks for.
 *
 * @param colour the shape's colour name
 * @param shape circle, square or triangle
 * @param background the background colour name
 * @param size small, large, or null when unstated
 * @param position left, right, top, bottom, center, or null when unstated
 */
public record Scene(String colour, String shape, String background, String size, String position) {

  /** The prompt of this scene, in the grammar's words ("an orange square on a black background at the left"). */
  public String prompt() {
    String first = size != null ? size : colour;
    return article(first) + " " + (size != null ? size + " " : "") + colour + " " + shape + " on "
        + article(background) + " " + background + " background" + (position != null ? " at the " + position : "");
  }

  private static String article(String w) {
    return "aeiou".indexOf(w.charAt(0)) >= 0 ? "an" : "a";
  }

  /** Whether (colour, shape, background) is one of the triples held out of training. */
  public boolean heldOut() {
    return PromptGrammar.HELD_OUT.contains(colour + "/" + shape + "/" + background);
  }
}
