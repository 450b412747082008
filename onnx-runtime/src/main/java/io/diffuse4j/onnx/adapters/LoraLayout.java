package io.diffuse4j.onnx.adapters;

/** How the keys of a LoRA file are written. */
public enum LoraLayout {
  /** kohya-ss sd-scripts: {@code lora_unet_…​.lora_down.weight}, {@code .lora_up.weight}, {@code .alpha}. */
  KOHYA,
  /** diffusers / PEFT: {@code unet.…​.lora_A.weight}, {@code .lora_B.weight}. */
  PEFT
}
