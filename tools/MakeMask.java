import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Makes an inpainting mask: black (keep) everywhere, white (repaint) inside one rectangle, the size
 * of a given image. Runs as a single-file program, no build needed:
 *
 * <pre>
 * java tools/MakeMask.java square.png 16 16 32 32 mask.png   # image, x, y, width, height, output
 * </pre>
 */
public final class MakeMask {

  private MakeMask() {}

  /** Arguments: IMAGE X Y WIDTH HEIGHT OUTPUT. */
  public static void main(String[] args) throws IOException {
    if (args.length != 6) {
      System.err.println("usage: java tools/MakeMask.java IMAGE X Y WIDTH HEIGHT OUTPUT.png");
      System.exit(2);
    }
    BufferedImage image = ImageIO.read(new File(args[0]));
    if (image == null) {
      System.err.println("error: " + args[0] + " is not a readable image");
      System.exit(2);
    }
    BufferedImage mask = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = mask.createGraphics();
    g.setColor(Color.BLACK);
    g.fillRect(0, 0, mask.getWidth(), mask.getHeight());
    g.setColor(Color.WHITE);
    g.fillRect(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
        Integer.parseInt(args[4]));
    g.dispose();
    ImageIO.write(mask, "png", new File(args[5]));
    System.out.println(args[5]);
  }
}
