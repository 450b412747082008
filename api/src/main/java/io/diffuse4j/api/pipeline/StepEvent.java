package io.diffuse4j.api.pipeline;

import io.diffuse4j.api.tensor.FloatTensor;
import java.awt.image.BufferedImage;

/**
 * Progress of one denoising step.
 *
 * @param step the 0-based index of the step just finished
 * @param totalSteps the number of steps of this run
 * @param timestep the timestep of that step
 * @param latents the latents after the step (do not modify)
 * @param preview a cheap preview image when the listener asked for one, else null
 */
public record StepEvent(int step, int totalSteps, double timestep, FloatTensor latents, BufferedImage preview) {}
