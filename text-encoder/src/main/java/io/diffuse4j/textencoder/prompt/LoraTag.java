package io.diffuse4j.textencoder.prompt;

/**
 * A {@code <lora:NAME:SCALE>} tag found in a prompt.
 *
 * @param name the adapter's name (file name without {@code .safetensors} in the LoRA folder)
 * @param scale the multiplier, 1 when the tag gives none
 */
public record LoraTag(String name, double scale) {}
