package io.diffuse4j.djl;

import ai.djl.util.Progress;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.StepEvent;
import java.util.Locale;
import java.util.Map;

/**
 * The generation settings a {@code Criteria} (or {@code serving.properties}) gives its predictors, read
 * from the DJL arguments: {@code scheduler}, {@code steps}, {@code guidance}, {@code seed}, {@code width},
 * {@code height}, {@code size} ({@code 64} or {@code 64x48}), {@code negativePrompt}, {@code numImages} and
 * {@code progress} (a diffuse4j {@link ProgressListener} or a DJL {@link Progress}). Values may be numbers
 * or strings. For a {@link GenerationRequest} input they fill the fields the request leaves unset (the
 * request's own seed always wins); for a prompt input they make the whole request. Immutable and
 * thread-safe (a DJL {@code Progress} given as listener is called from the predicting thread).
 */
public record RequestDefaults(String scheduler, Integer steps, Double guidance, Long seed, Integer width,
    Integer height, String negativePrompt, Integer numImages, ProgressListener listener) {

  /** Reads the settings from DJL's argument map; unknown keys (DJL's own, such as engine) are ignored. */
  public static RequestDefaults from(Map<String, ?> arguments) {
    Integer width = integer(arguments, "width");
    Integer height = integer(arguments, "height");
    Object size = arguments.get("size");
    if (size != null) {
      String s = size.toString().trim().toLowerCase(Locale.ROOT);
      String[] wh = s.split("x");
      try {
        width = Integer.parseInt(wh[0].trim());
        height = wh.length > 1 ? Integer.parseInt(wh[1].trim()) : width;
      } catch (NumberFormatException e) {
        throw new InvalidRequestException("size", "Argument 'size' must be WIDTH or WIDTHxHEIGHT in pixels (64, 64x48),"
            + " got '" + size + "'");
      }
    }
    Object seed = arguments.get("seed");
    Long seedValue = null;
    if (seed != null) {
      try {
        seedValue = seed instanceof Number n ? n.longValue() : Long.parseLong(seed.toString().trim());
      } catch (NumberFormatException e) {
        throw new InvalidRequestException("seed", "Argument 'seed' must be a whole number, got '" + seed + "'");
      }
    }
    Double guidance = decimal(arguments, arguments.containsKey("guidance") ? "guidance" : "guidanceScale");
    return new RequestDefaults(text(arguments, "scheduler"), integer(arguments, "steps"), guidance, seedValue, width,
        height, text(arguments, "negativePrompt"), integer(arguments, "numImages"), listener(arguments.get("progress")));
  }

  /** {@code request} with the unset fields filled from these defaults. */
  public GenerationRequest fill(GenerationRequest request) {
    GenerationRequest.Builder b = request.toBuilder();
    if (request.steps() == null && steps != null) {
      b.steps(steps);
    }
    if (request.guidanceScale() == null && guidance != null) {
      b.guidanceScale(guidance);
    }
    if (request.width() == null && width != null) {
      b.width(width);
    }
    if (request.height() == null && height != null) {
      b.height(height);
    }
    if (request.scheduler() == null && scheduler != null) {
      b.scheduler(scheduler);
    }
    if ((request.negativePrompt() == null || request.negativePrompt().isEmpty()) && negativePrompt != null) {
      b.negativePrompt(negativePrompt);
    }
    return b.build();
  }

  /** A request for {@code prompt} made of these defaults (seed included). */
  public GenerationRequest forPrompt(String prompt) {
    GenerationRequest.Builder b = GenerationRequest.builder(prompt);
    if (seed != null) {
      b.seed(seed);
    }
    if (numImages != null) {
      b.numImages(numImages);
    }
    return fill(b.build());
  }

  private static String text(Map<String, ?> a, String key) {
    Object v = a.get(key);
    return v == null || v.toString().isBlank() ? null : v.toString().trim();
  }

  private static Integer integer(Map<String, ?> a, String key) {
    Object v = a.get(key);
    if (v == null) {
      return null;
    }
    try {
      return v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(key, "Argument '" + key + "' must be a whole number, got '" + v + "'");
    }
  }

  private static Double decimal(Map<String, ?> a, String key) {
    Object v = a.get(key);
    if (v == null) {
      return null;
    }
    try {
      return v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(key, "Argument '" + key + "' must be a number, got '" + v + "'");
    }
  }

  static ProgressListener listener(Object progress) {
    if (progress == null) {
      return ProgressListener.NONE;
    }
    if (progress instanceof ProgressListener l) {
      return l;
    }
    if (progress instanceof Progress p) {
      return new ProgressListener() {
        @Override
        public void onStep(StepEvent e) {
          if (e.step() == 0) {
            p.reset("Generating", e.totalSteps());
          }
          p.update(e.step() + 1);
          if (e.step() + 1 == e.totalSteps()) {
            p.end();
          }
        }
      };
    }
    throw new InvalidRequestException("progress", "Argument 'progress' must be an io.diffuse4j.api.pipeline."
        + "ProgressListener or an ai.djl.util.Progress, got " + progress.getClass().getName());
  }
}
