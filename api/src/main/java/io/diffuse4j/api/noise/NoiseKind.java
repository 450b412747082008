package io.diffuse4j.api.noise;

/**
 * Which random number generator a seed drives, chosen per request.
 */
public enum NoiseKind {
  /**
   * PyTorch's CPU generator: {@code torch.randn(shape, generator=torch.Generator().manual_seed(seed))},
   * bit for bit, successive draws included. What diffusers' PyTorch pipelines use on CPU. The default.
   */
  TORCH,
  /** NumPy's {@code RandomState(seed).randn(...).astype(float32)}: what diffusers' ONNX pipelines use. */
  NUMPY
}
