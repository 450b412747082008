package io.diffuse4j.pipelines.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The kind of Stable Diffusion model a folder holds, with the defaults that kind was trained
 * for (diffusers' pipeline defaults and the model cards). A folder's {@code diffuse4j.json} may
 * override each default; the family itself only picks what the folder does not say.
 *
 * <p>Immutable and thread-safe.
 */
public enum ModelFamily {
  /** Stable Diffusion 1.x (CLIP ViT-L/14, 768-wide). */
  SD1("sd1", 512, 50, 7.5),
  /** Stable Diffusion 2.x (OpenCLIP ViT-H, 1024-wide; the 768-v models). */
  SD2("sd2", 768, 50, 7.5),
  /** A Stable Diffusion style model whose text encoder matches neither 1.x nor 2.x. */
  SD("sd", 512, 50, 7.5),
  /** SD-Turbo: adversarially distilled, one step without guidance. */
  TURBO("turbo", 512, 1, 0.0),
  /** Latent Consistency Models: a few steps, guidance embedded in the U-Net's timestep input (diffusers' defaults 4 and 8.5). */
  LCM("lcm", 512, 4, 8.5),
  /** SDXL: two text encoders, pooled text embeddings and size conditioning. */
  SDXL("sdxl", 1024, 50, 5.0),
  /** SDXL-Turbo. */
  SDXL_TURBO("sdxl-turbo", 1024, 1, 0.0),
  /** The tiny model bundled with diffuse4j (declared in its {@code diffuse4j.json}). */
  BUNDLED("bundled", 512, 50, 7.5);

  private final String id;
  private final int defaultSize;
  private final int defaultSteps;
  private final double defaultGuidance;

  ModelFamily(String id, int defaultSize, int defaultSteps, double defaultGuidance) {
    this.id = id;
    this.defaultSize = defaultSize;
    this.defaultSteps = defaultSteps;
    this.defaultGuidance = defaultGuidance;
  }

  /** The family's name as written in {@code diffuse4j.json} and shown to users, e.g. {@code sdxl}. */
  public String id() {
    return id;
  }

  /** Default image side in pixels, used when neither the folder nor the U-Net's sample size says. */
  public int defaultSize() {
    return defaultSize;
  }

  /** Default number of denoising steps. */
  public int defaultSteps() {
    return defaultSteps;
  }

  /** Default guidance scale. */
  public double defaultGuidance() {
    return defaultGuidance;
  }

  /**
   * Whether the model was distilled to run without classifier-free guidance (the guidance scale
   * is then an input of the U-Net, or unused), as diffusers' LCM pipeline.
   */
  public boolean guidanceDistilled() {
    return this == LCM;
  }

  /** The family with this {@link #id()}, if any. */
  public static Optional<ModelFamily> byId(String id) {
    return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst();
  }

  /** The known ids, comma-separated, for messages. */
  public static String knownIds() {
    return Arrays.stream(values()).map(ModelFamily::id).collect(Collectors.joining(", "));
  }
}
