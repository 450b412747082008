package io.diffuse4j.pipelines;

import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.InvalidRequestException;

/**
 * Limits on request values that no model can use and that would otherwise cost minutes or give a
 * silently wrong image: prompts of more than {@link #MAX_PROMPT_CHARS} characters (a text encoder
 * reads 77 tokens; a 10 MB prompt took 34 s and 1.7 GB to tokenize), guidance beyond
 * {@link #MAX_GUIDANCE} (1e30 gives a one-colour image), non-finite eta. Stateless and thread-safe.
 */
final class RequestLimits {

  /** Longest prompt or negative prompt accepted. */
  static final int MAX_PROMPT_CHARS = 100_000;
  /** Largest guidance scale accepted (typical values are 1 to 15). */
  static final double MAX_GUIDANCE = 100;
  /** Largest eta accepted (DDIM's eta is 0 to 1). */
  static final double MAX_ETA = 100;

  private RequestLimits() {}

  /** Checks the request's own values; {@code guidance} is the resolved guidance scale. */
  static void check(GenerationRequest r, double guidance) {
    prompt("prompt", r.prompt());
    prompt("negativePrompt", r.negativePrompt());
    if (!(guidance >= 0 && guidance <= MAX_GUIDANCE)) {
      throw new InvalidRequestException("guidanceScale", "guidance scale " + guidance + " is outside 0 to "
          + (int) MAX_GUIDANCE + " (typical values are 1 to 15; 1 or less disables guidance)");
    }
    if (!(r.eta() >= 0 && r.eta() <= MAX_ETA)) {
      throw new InvalidRequestException("eta", "eta " + r.eta() + " is outside 0 to " + (int) MAX_ETA
          + " (DDIM's eta is 0 for deterministic to 1 for DDPM-like sampling)");
    }
  }

  private static void prompt(String field, String text) {
    if (text != null && text.length() > MAX_PROMPT_CHARS) {
      throw new InvalidRequestException(field, "the " + field + " has " + text.length() + " characters; at most "
          + MAX_PROMPT_CHARS + " are accepted (the text encoder reads only its first 77 tokens)");
    }
  }
}
