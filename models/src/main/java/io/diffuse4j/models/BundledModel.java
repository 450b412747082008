package io.diffuse4j.models;

import java.util.List;

/**
 * The tiny text-to-image model diffuse4j ships (trained by {@code tools/bundled-model/}), as
 * classpath resources of this jar under {@link #RESOURCE_ROOT}, in the layout of a Stable
 * Diffusion ONNX export. {@code io.diffuse4j.pipelines.Diffusion.loadBundled()} loads it.
 * Constants only; thread-safe.
 */
public final class BundledModel {

  /** Where the model's files are on the classpath. */
  public static final String RESOURCE_ROOT = "io/diffuse4j/models/bundled/";

  /** The model's files, relative to {@link #RESOURCE_ROOT}. */
  public static final List<String> FILES = List.of(
      "model_index.json", "diffuse4j.json", "scheduler/scheduler_config.json",
      "tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/tokenizer.json", "tokenizer/tokenizer_config.json",
      "tokenizer/special_tokens_map.json",
      "text_encoder/model.onnx", "text_encoder/config.json", "unet/model.onnx", "unet/config.json",
      "vae_decoder/model.onnx", "vae_decoder/config.json", "vae_encoder/model.onnx", "vae_encoder/config.json");

  private BundledModel() {}
}
