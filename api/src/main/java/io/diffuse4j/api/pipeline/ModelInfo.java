package io.diffuse4j.api.pipeline;

/**
 * A loaded model and its defaults.
 *
 * @param name the model's name (folder name, or {@code bundled})
 * @param family the detected family, e.g. {@code sd1}, {@code sd2}, {@code sdxl}, {@code bundled}
 * @param defaultWidth default width in pixels
 * @param defaultHeight default height in pixels
 * @param defaultSteps default denoising steps
 * @param defaultGuidance default guidance scale
 * @param defaultScheduler the scheduler's short name from the model's config
 * @param sizeMultiple width and height must be multiples of this
 */
public record ModelInfo(String name, String family, int defaultWidth, int defaultHeight, int defaultSteps,
    double defaultGuidance, String defaultScheduler, int sizeMultiple) {}
