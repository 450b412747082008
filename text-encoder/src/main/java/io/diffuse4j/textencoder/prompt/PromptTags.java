package io.diffuse4j.textencoder.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes AUTOMATIC1111's extra-network tags ({@code <lora:NAME>}, {@code <lora:NAME:SCALE>}) out of
 * a prompt, as that tool and stable-diffusion.cpp do before the prompt reaches the tokenizer.
 * Other tag kinds ({@code <hypernet:...>}) are left in the text untouched.
 *
 * <pre>{@code
 * PromptTags t = PromptTags.extract("a cat <lora:ink:0.8>");
 * t.prompt();  // "a cat "
 * t.loras();   // [LoraTag[name=ink, scale=0.8]]
 * }</pre>
 *
 * @param prompt the prompt without the tags
 * @param loras the tags in order
 */
public record PromptTags(String prompt, List<LoraTag> loras) {

  private static final Pattern TAG = Pattern.compile("<lora:([^:>]+)(?::([^:>]*))?>");

  /** Compact form. */
  public PromptTags {
    loras = List.copyOf(loras);
  }

  /**
   * Splits {@code prompt} into text and LoRA tags.
   *
   * @throws IllegalArgumentException naming the tag when its scale is not a number
   */
  public static PromptTags extract(String prompt) {
    List<LoraTag> tags = new ArrayList<>();
    Matcher m = TAG.matcher(prompt);
    StringBuilder rest = new StringBuilder();
    while (m.find()) {
      String name = m.group(1).strip();
      String scale = m.group(2);
      double s = 1.0;
      if (scale != null && !scale.isBlank()) {
        try {
          s = Double.parseDouble(scale.strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("The prompt's tag " + m.group() + " has scale \"" + scale
              + "\", which is not a number; write it as <lora:" + name + ":0.8>");
        }
      }
      tags.add(new LoraTag(name, s));
      m.appendReplacement(rest, "");
    }
    m.appendTail(rest);
    return new PromptTags(rest.toString(), tags);
  }
}
