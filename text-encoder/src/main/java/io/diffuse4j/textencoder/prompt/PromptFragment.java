package io.diffuse4j.textencoder.prompt;

/**
 * A piece of a parsed prompt: text with its attention weight, or a {@code BREAK} marker.
 *
 * @param text the text (the word {@code BREAK} for a marker)
 * @param weight the product of the brackets around the text (1 outside any)
 * @param isBreak whether this is a {@code BREAK} that ends the current chunk
 */
public record PromptFragment(String text, double weight, boolean isBreak) {}
