/**
 * The CLIP tokenizer of Stable Diffusion: {@link io.diffuse4j.textencoder.tokenizer.ClipTokenizer}
 * (Hugging Face tokenizers through DJL, kept offline, with the original CLIP text clean-up in
 * {@link io.diffuse4j.textencoder.tokenizer.ClipTextCleaner}),
 * {@link io.diffuse4j.textencoder.tokenizer.ClipTokenizerFiles} (vocab.json + merges.txt to
 * tokenizer.json). The {@code ldm-clip-tokenizer-cases/1} runner lives in the conformance module.
 *
 * <p>Data files: {@code html-entities.tsv} and {@code ftfy-tables.json} are exported from Python's
 * {@code html} module and ftfy 6.3.1 (Apache License 2.0) by {@code text-encoder/tools/}.
 */
package io.diffuse4j.textencoder.tokenizer;
