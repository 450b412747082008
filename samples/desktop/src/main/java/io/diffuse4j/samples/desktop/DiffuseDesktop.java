package io.diffuse4j.samples.desktop;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.StepEvent;
import io.diffuse4j.pipelines.Diffusion;
import io.diffuse4j.pipelines.image.OutputFiles;
import io.diffuse4j.pipelines.image.PngWriter;
import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.swing.BorderFactory;
import javax.swing.ImageIcon;
import javax.swing.JButton;
import javax.swing.JFileChooser;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.JSpinner;
import javax.swing.JTextField;
import javax.swing.SpinnerNumberModel;
import javax.swing.SwingConstants;
import javax.swing.SwingUtilities;
import javax.swing.WindowConstants;
import javax.swing.filechooser.FileNameExtensionFilter;

/**
 * A Swing window that embeds the library: prompt, seed, generate, live preview, cancel, save.
 * It shows the threading a desktop tool needs: the pipeline runs on a worker thread (never on the
 * event dispatch thread, so the window stays responsive), each step's preview is posted back to
 * the event thread with {@link SwingUtilities#invokeLater}, and cancelling the future stops the
 * run within one step.
 *
 * <pre>{@code
 * DiffusionPipeline sd = Diffusion.loadBundled();
 * SwingUtilities.invokeLater(() -> new DiffuseDesktop(sd).show());
 * }</pre>
 *
 * <p>Not thread-safe: create and use it on the event dispatch thread; only the worker calls the
 * pipeline. The caller owns (and closes) the pipeline.
 */
public final class DiffuseDesktop {

  private static final int VIEW = 384;

  private final DiffusionPipeline pipeline;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "diffuse-desktop-worker");
    t.setDaemon(true);
    return t;
  });
  final JFrame frame = new JFrame("diffuse4j desktop");
  final JTextField prompt = new JTextField("a red circle on a blue background", 32);
  final JSpinner seed = new JSpinner(new SpinnerNumberModel(42, 0, Integer.MAX_VALUE, 1));
  final JSpinner steps = new JSpinner(new SpinnerNumberModel(20, 1, 150, 1));
  final JButton generate = new JButton("Generate");
  final JButton cancel = new JButton("Cancel");
  final JButton save = new JButton("Save…");
  final JLabel image = new JLabel("", SwingConstants.CENTER);
  final JProgressBar progress = new JProgressBar();
  final JLabel status = new JLabel("ready");
  /** Previews shown so far, all on the event thread; a count for the self-test. */
  final AtomicInteger previewsShown = new AtomicInteger();
  final AtomicInteger previewsOffEdt = new AtomicInteger();
  private CompletableFuture<GenerationResult> running;
  /** Counts generations, so that a late preview of a finished or cancelled run is not shown. */
  private int generation;
  private GeneratedImage last;

  /** A window on this pipeline (call on the event dispatch thread). */
  public DiffuseDesktop(DiffusionPipeline pipeline) {
    this.pipeline = pipeline;
    JPanel top = new JPanel(new FlowLayout(FlowLayout.LEFT));
    top.add(new JLabel("Prompt"));
    top.add(prompt);
    top.add(new JLabel("Seed"));
    top.add(seed);
    top.add(new JLabel("Steps"));
    top.add(steps);
    JPanel buttons = new JPanel(new FlowLayout(FlowLayout.LEFT));
    buttons.add(generate);
    buttons.add(cancel);
    buttons.add(save);
    buttons.add(progress);
    buttons.add(status);
    image.setPreferredSize(new Dimension(VIEW, VIEW));
    image.setBorder(BorderFactory.createEmptyBorder(8, 8, 8, 8));
    frame.add(top, BorderLayout.NORTH);
    frame.add(image, BorderLayout.CENTER);
    frame.add(buttons, BorderLayout.SOUTH);
    cancel.setEnabled(false);
    save.setEnabled(false);
    generate.addActionListener(e -> generate());
    cancel.addActionListener(e -> cancel());
    save.addActionListener(e -> chooseAndSave());
    frame.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
    frame.pack();
  }

  /** Shows the window. */
  public void show() {
    frame.setLocationRelativeTo(null);
    frame.setVisible(true);
  }

  /** Starts a generation from the fields (event thread). */
  void generate() {
    GenerationRequest request = GenerationRequest.builder(prompt.getText())
        .seed(((Number) seed.getValue()).longValue()).steps((Integer) steps.getValue()).build();
    generate.setEnabled(false);
    cancel.setEnabled(true);
    save.setEnabled(false);
    progress.setValue(0);
    status.setText("generating…");
    int thisRun = ++generation;
    ProgressListener listener = new ProgressListener() {
      @Override
      public void onStep(StepEvent e) {
        // on the worker thread: hand the preview to the event thread, never touch Swing here
        BufferedImage pv = e.preview();
        int done = e.step() + 1;
        int total = e.totalSteps();
        SwingUtilities.invokeLater(() -> {
          if (!SwingUtilities.isEventDispatchThread()) {
            previewsOffEdt.incrementAndGet();
          }
          if (thisRun != generation || running == null) {
            return; // the run ended (or was cancelled) before this step's preview arrived
          }
          progress.setMaximum(total);
          progress.setValue(done);
          status.setText("step " + done + " / " + total);
          if (pv != null) {
            showImage(pv);
            previewsShown.incrementAndGet();
          }
        });
      }

      @Override
      public boolean wantsPreviews() {
        return true;
      }
    };
    CompletableFuture<GenerationResult> f = pipeline.generateAsync(request, listener, worker);
    running = f;
    f.whenComplete((result, error) -> SwingUtilities.invokeLater(() -> finished(f, result, error)));
  }

  private void finished(CompletableFuture<GenerationResult> f, GenerationResult result, Throwable error) {
    if (f != running) {
      return;
    }
    running = null;
    generate.setEnabled(true);
    cancel.setEnabled(false);
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof CancellationException) {
      status.setText("cancelled");
    } else if (cause != null) {
      status.setText("failed: " + cause.getMessage());
    } else {
      last = result.first();
      showImage(last.image());
      save.setEnabled(true);
      status.setText("done in " + result.millis() + " ms (seed " + last.parameters().seed() + ")");
    }
  }

  /** Cancels the running generation; it stops within one step. */
  void cancel() {
    if (running != null) {
      running.cancel(false);
      status.setText("cancelling…");
    }
  }

  private void showImage(BufferedImage img) {
    image.setIcon(new ImageIcon(img.getScaledInstance(VIEW, VIEW, Image.SCALE_FAST)));
  }

  private void chooseAndSave() {
    JFileChooser chooser = new JFileChooser();
    chooser.setFileFilter(new FileNameExtensionFilter("PNG images", "png"));
    chooser.setSelectedFile(new java.io.File("diffuse4j-" + last.parameters().seed() + ".png"));
    if (chooser.showSaveDialog(frame) != JFileChooser.APPROVE_OPTION) {
      return;
    }
    Path file = chooser.getSelectedFile().toPath();
    boolean replace = false;
    if (java.nio.file.Files.exists(file)) {
      replace = javax.swing.JOptionPane.showConfirmDialog(frame, file.getFileName() + " exists. Replace it?",
          "Save", javax.swing.JOptionPane.YES_NO_OPTION) == javax.swing.JOptionPane.YES_OPTION;
      if (!replace) {
        return;
      }
    }
    save(file, replace);
  }

  /** Saves the last image as PNG with its parameters, replacing an existing file only when asked (event thread). */
  void save(Path file, boolean replace) {
    try {
      PngWriter.write(last, file, replace ? OutputFiles.IfExists.REPLACE : OutputFiles.IfExists.FAIL);
      status.setText("saved " + file.getFileName());
    } catch (IOException e) {
      status.setText("could not save " + file + ": " + e.getMessage());
    }
  }

  /** The last finished image, or null. */
  GeneratedImage last() {
    return last;
  }

  /** Closes the window and stops the worker (the pipeline stays open: the caller owns it). */
  void dispose() {
    worker.shutdownNow();
    frame.dispose();
  }

  /** Opens the window on the bundled model, or the model folder given as the first argument. */
  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && args[0].equals("--self-test")) {
      System.exit(SelfTest.run(Path.of(args[1])));
    }
    DiffusionPipeline sd = args.length > 0 ? Diffusion.load(Path.of(args[0])) : Diffusion.loadBundled();
    SwingUtilities.invokeLater(() -> {
      DiffuseDesktop d = new DiffuseDesktop(sd);
      d.frame.addWindowListener(new java.awt.event.WindowAdapter() {
        @Override
        public void windowClosed(java.awt.event.WindowEvent e) {
          d.worker.shutdownNow();
          sd.close();
        }
      });
      d.show();
    });
  }
}
