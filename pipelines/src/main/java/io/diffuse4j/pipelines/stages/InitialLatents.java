package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.model.LoadedModel;

/**
 * The "prepare latents" stage: where denoising starts and which timesteps it runs.
 * {@link TextToImageLatents} starts from noise, {@link ImageToImageLatents} from the noised
 * latents of an init image, {@link InpaintingLatents} also keeps the unmasked region.
 *
 * <p>Implementations hold one request's inputs; use each for one generation. Thread-safe when
 * the model's sessions are.
 */
public interface InitialLatents {

  /**
   * Where the denoise loop starts.
   *
   * @param timesteps the timesteps to run, in order
   * @param latents the starting latents
   * @param inpainting what the loop does for a mask ({@link Inpainting#NONE} without one)
   */
  record Start(double[] timesteps, FloatTensor latents, Inpainting inpainting) {}

  /**
   * The start for a scheduler whose timesteps are set for {@code steps}; may set its begin index.
   * Draws noise from {@code noise} in diffusers' order.
   */
  Start prepare(Scheduler scheduler, int steps, NoiseSource noise);

  /** The strategy for {@code request}: text-to-image, image-to-image, or inpainting with a mask. */
  static InitialLatents forRequest(GenerationRequest request, Settings settings, LoadedModel model) {
    LatentShape shape = LatentShape.of(model, settings, request.numImages());
    if (request.initImage() == null) {
      return new TextToImageLatents(shape);
    }
    // latent-consistency img2img picks its timesteps from the strength (no LCM inpainting pipeline in diffusers)
    boolean lcm = model.family() == io.diffuse4j.pipelines.model.ModelFamily.LCM && request.mask() == null;
    ImageToImageLatents img2img = new ImageToImageLatents(request.initImage(), request.strength(), settings, shape,
        new ImageLatents(model, request.vaeTiling()), lcm);
    if (request.mask() == null) {
      return img2img;
    }
    boolean inpaintingUnet = model.denoiser().info().inChannels() == 2 * shape.channels() + 1;
    return new InpaintingLatents(img2img, request.mask(), inpaintingUnet);
  }
}
