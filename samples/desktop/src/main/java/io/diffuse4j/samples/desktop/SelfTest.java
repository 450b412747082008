package io.diffuse4j.samples.desktop;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.pipelines.Diffusion;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import javax.swing.SwingUtilities;

/**
 * Drives the window the way a user would, on a real (virtual) display: generate, watch the
 * previews, save, screenshot, then start a long run and cancel it. Run under {@code xvfb-run}:
 * {@code DiffuseDesktop --self-test DIR} writes DIR/desktop.png (the window), DIR/result.png (the
 * saved image) and prints {@code previews=N offEdt=N cancelled=true}. Not thread-safe (one run).
 */
final class SelfTest {

  private SelfTest() {}

  static int run(Path dir) throws Exception {
    Files.createDirectories(dir);
    try (DiffusionPipeline sd = Diffusion.loadBundled()) {
      DiffuseDesktop d = onEdt(() -> {
        DiffuseDesktop w = new DiffuseDesktop(sd);
        w.show();
        w.prompt.setText("a red circle on a blue background");
        w.seed.setValue(42);
        w.steps.setValue(20);
        w.generate.doClick();
        return w;
      });
      waitFor(() -> onEdt(() -> d.generate.isEnabled() && d.last() != null), 120);
      Thread.sleep(300); // let the last repaint land
      onEdt(() -> {
        d.save(dir.resolve("result.png"), false);
        return null;
      });
      // a real screen capture of the virtual display, where the window is
      java.awt.Rectangle bounds = onEdt(() -> new java.awt.Rectangle(d.frame.getLocationOnScreen(), d.frame.getSize()));
      BufferedImage shot = new java.awt.Robot().createScreenCapture(bounds);
      ImageIO.write(shot, "png", dir.resolve("desktop.png").toFile());
      String statusAfterRun = onEdt(d.status::getText);
      int previews = d.previewsShown.get();

      // a long run, cancelled after its first preview
      onEdt(() -> {
        d.steps.setValue(150);
        d.generate.doClick();
        return null;
      });
      int before = previews;
      waitFor(() -> d.previewsShown.get() > before, 60);
      onEdt(() -> {
        d.cancel.doClick();
        return null;
      });
      waitFor(() -> onEdt(() -> d.generate.isEnabled()), 60);
      String statusAfterCancel = onEdt(d.status::getText);
      System.out.println("previews=" + previews + " offEdt=" + d.previewsOffEdt.get() + " status=" + statusAfterRun
          + " cancelled=" + statusAfterCancel.equals("cancelled") + " after=[" + statusAfterCancel + "]" + " window=" + shot.getWidth() + "x"
          + shot.getHeight());
      onEdt(() -> {
        d.dispose();
        return null;
      });
    }
    return 0;
  }

  private static <T> T onEdt(Callable<T> c) throws Exception {
    AtomicReference<T> out = new AtomicReference<>();
    AtomicReference<Exception> err = new AtomicReference<>();
    SwingUtilities.invokeAndWait(() -> {
      try {
        out.set(c.call());
      } catch (Exception e) {
        err.set(e);
      }
    });
    if (err.get() != null) {
      throw err.get();
    }
    return out.get();
  }

  private static void waitFor(Callable<Boolean> cond, int seconds) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (!cond.call()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("timed out after " + seconds + " s");
      }
      Thread.sleep(50);
    }
  }
}
