/**
 * The scheduler toolkit: the public, stable pieces a scheduler plugin builds on, so that a new
 * scheduler contains only its own {@code step()} math. Everything here equals diffusers to the
 * last bit where the built-in schedulers use it.
 *
 * <ul>
 *   <li>{@link io.diffuse4j.schedulers.toolkit.TrainingSchedule}: betas and {@code alphas_cumprod}
 *       (float32, as torch), zero-terminal-SNR rescaling, the training sigmas;</li>
 *   <li>{@link io.diffuse4j.schedulers.toolkit.TimestepSpacing}: {@code linspace}, {@code leading},
 *       {@code trailing}, parsed once;</li>
 *   <li>{@link io.diffuse4j.schedulers.toolkit.SigmaSchedules}: interpolation of the training sigmas,
 *       Karras, exponential and Beta sigmas, and {@code _sigma_to_t} in its float64 and float32
 *       twins (named as such: diffusers evaluates it in NumPy float64 or torch float32 depending on
 *       the class);</li>
 *   <li>{@link io.diffuse4j.schedulers.toolkit.SigmaSpace}: what every sigma-space (k-diffusion
 *       style) scheduler does around its step: input scaling, {@code add_noise},
 *       {@code init_noise_sigma}, {@code index_for_timestep};</li>
 *   <li>{@link io.diffuse4j.schedulers.toolkit.ConfigReader}: typed reading of a
 *       {@code scheduler_config.json} with a class's defaults, unknown keys kept;</li>
 *   <li>{@link io.diffuse4j.schedulers.toolkit.ConfiguredSchedulerProvider}: a provider in one
 *       constructor call (name, class, description, overrides, constructor).</li>
 * </ul>
 *
 * <p>A plugin needs only {@code diffuse4j-api} and this package of {@code diffuse4j-schedulers}
 * (both {@code provided} by the host); {@code plugins/example-kdpm2-scheduler} is the worked
 * example and {@code docs/plugins.md} the guide. All types are stateless and thread-safe unless
 * their Javadoc says otherwise.
 */
package io.diffuse4j.schedulers.toolkit;
