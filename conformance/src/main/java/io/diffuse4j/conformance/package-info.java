/**
 * Conformance runners: replay reference cases recorded from diffusers, PyTorch, NumPy and the
 * CLIP tokenizer ({@link io.diffuse4j.conformance.SchedulerConformance},
 * {@link io.diffuse4j.conformance.AddNoiseConformance}, {@link io.diffuse4j.conformance.RandnConformance},
 * {@link io.diffuse4j.conformance.ClipTokenizerConformance}). The case formats are specified in
 * {@code conformance/README.md}; the cases are in {@code conformance/cases/}. This module is a
 * tool (the CLI's {@code conformance} command and the tests use it); production jars do not
 * depend on it.
 */
package io.diffuse4j.conformance;
