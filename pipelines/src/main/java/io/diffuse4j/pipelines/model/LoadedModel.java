package io.diffuse4j.pipelines.model;

import io.diffuse4j.api.model.Denoiser;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.pipeline.ModelInfo;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The open parts of one model. Closing it closes every session, in reverse order of opening.
 *
 * @param folder the checked folder
 * @param info the model's description and defaults
 * @param family the model's family (its {@code id()} is {@code info.family()})
 * @param textEncoder the (first) text encoder
 * @param textEncoder2 SDXL's second text encoder, or null
 * @param denoiser the U-Net
 * @param vaeDecoder the VAE decoder
 * @param vaeEncoder the VAE encoder when the folder has one
 * @param schedulerConfig the model's scheduler config
 */
public record LoadedModel(ModelFolder folder, ModelInfo info, ModelFamily family, TextEncoder textEncoder, TextEncoder textEncoder2,
    Denoiser denoiser, VaeDecoder vaeDecoder, Optional<VaeEncoder> vaeEncoder, SchedulerConfig schedulerConfig)
    implements AutoCloseable {

  /**
   * The scheduler config as the diffusers pipeline for this model and request holds it
   * ({@link PipelineSchedulerConfig}): what schedulers are made from.
   *
   * @param inpainting whether the request paints into a mask
   */
  public SchedulerConfig pipelineSchedulerConfig(boolean inpainting) {
    boolean inpaintingUnet = denoiser.info().inChannels() > vaeDecoder.latentChannels();
    return PipelineSchedulerConfig.of(schedulerConfig, family, inpaintingUnet, inpainting);
  }

  @Override
  public void close() {
    List<AutoCloseable> parts = new ArrayList<>();
    vaeEncoder.ifPresent(parts::add);
    parts.add(vaeDecoder);
    parts.add(denoiser);
    if (textEncoder2 != null) {
      parts.add(textEncoder2);
    }
    parts.add(textEncoder);
    RuntimeException first = null;
    for (AutoCloseable c : parts) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException r ? r : new RuntimeException(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
