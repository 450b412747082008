package io.diffuse4j.api.pipeline;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A LoRA adapter to apply, with its strength.
 *
 * @param file the adapter's {@code .safetensors} file (kohya-ss or diffusers/PEFT layout)
 * @param scale the multiplier of its weights (1 = as trained, 0 = off; negative values invert it)
 */
public record LoraSpec(Path file, double scale) {

  /** Checks the values. */
  public LoraSpec {
    Objects.requireNonNull(file, "file");
    if (!Double.isFinite(scale)) {
      throw new InvalidRequestException("lora", "the scale of " + file + " must be a finite number, got " + scale);
    }
  }
}
