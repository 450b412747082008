/**
 * Seeded standard-normal noise that reproduces the generators diffusers uses, so a seed gives
 * the same latents here as in Python: {@link io.diffuse4j.noise.TorchCpuNoise}
 * (PyTorch's CPU {@code torch.randn}, bit for bit) and
 * {@link io.diffuse4j.noise.NumpyRandomStateNoise} (NumPy's legacy
 * {@code RandomState.randn}), created through
 * {@link io.diffuse4j.noise.DefaultNoiseSourceFactory}.
 * The conformance module's {@code RandnConformance} replays recorded reference draws.
 */
package io.diffuse4j.noise;
