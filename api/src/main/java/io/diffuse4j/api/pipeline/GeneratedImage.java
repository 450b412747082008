package io.diffuse4j.api.pipeline;

import java.awt.image.BufferedImage;

/**
 * One generated image with the parameters that made it.
 *
 * @param image the RGB image
 * @param parameters the settings, defaults resolved
 */
public record GeneratedImage(BufferedImage image, GenerationParameters parameters) {}
