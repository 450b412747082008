package io.diffuse4j.samples.judge;

/**
 * What the judge saw and whether it matches the prompt. Position and size are null when the
 * prompt does not state them.
 *
 * @param background detected background colour
 * @param colour detected shape colour, or null when no shape was found
 * @param shape detected shape kind, or null
 * @param centreX shape box centre x (fraction of the width)
 * @param centreY shape box centre y
 * @param side shape box side (fraction of the width)
 * @param backgroundOk background colour as asked
 * @param colourOk shape colour as asked
 * @param shapeOk shape kind as asked
 * @param positionOk position as asked, or null when unstated
 * @param sizeOk size as asked, or null when unstated
 */
public record Verdict(String background, String colour, String shape, double centreX, double centreY, double side,
    boolean backgroundOk, boolean colourOk, boolean shapeOk, Boolean positionOk, Boolean sizeOk) {

  /** Whether every stated attribute is right. */
  public boolean allOk() {
    return backgroundOk && colourOk && shapeOk && !Boolean.FALSE.equals(positionOk) && !Boolean.FALSE.equals(sizeOk);
  }
}
