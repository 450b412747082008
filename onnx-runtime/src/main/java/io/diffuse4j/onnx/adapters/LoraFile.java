package io.diffuse4j.onnx.adapters;

import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.onnx.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LoRA adapter read from a {@code .safetensors} file, in either key layout in circulation:
 *
 * <ul>
 *   <li>kohya-ss: {@code lora_unet_<module_with_underscores>.lora_down.weight} / {@code .lora_up.weight}
 *       / {@code .alpha}, text encoders as {@code lora_te_} (SD 1.x/2.x) or {@code lora_te1_} /
 *       {@code lora_te2_} (SDXL); conv layers (LoCon) included;
 *   <li>diffusers / PEFT: {@code unet.<module.path>.lora_A.weight} / {@code .lora_B.weight} (and the
 *       older {@code .lora.down.weight} / {@code .lora_linear_layer.down.weight}), text encoders as
 *       {@code text_encoder.} and {@code text_encoder_2.}; an optional {@code .alpha}.
 * </ul>
 *
 * Keys of other adapter kinds (LoHa, LoKr, DoRA scales, full diffs) are kept in
 * {@link #unsupportedKeys()} so the caller reports them.
 *
 * <pre>{@code
 * LoraFile lora = LoraFile.read(Path.of("ink.safetensors"));
 * lora.modules().size();   // adapted layers
 * }</pre>
 *
 * <p>Thread-safe: immutable; weights are read from the file when asked.
 */
public final class LoraFile {

  /**
   * One adapted layer.
   *
   * @param part the model part it changes ({@code unet}, {@code text_encoder}, {@code text_encoder_2})
   * @param module the module as the file names it: dotted ({@code down_blocks.0.attentions.0.proj_in}) for
   *     PEFT, underscored ({@code down_blocks_0_attentions_0_proj_in}) for kohya
   * @param layout the key layout
   * @param downKey the key of the down (A) matrix, {@code [rank, in(, kh, kw)]}
   * @param upKey the key of the up (B) matrix, {@code [out, rank(, 1, 1)]}
   * @param alphaKey the key of the alpha scalar, or null (alpha = rank)
   */
  public record Module(String part, String module, LoraLayout layout, String downKey, String upKey, String alphaKey) {

    /** The file's prefix and module, as reported to users ({@code lora_unet_mid_block_…}). */
    public String displayName() {
      return downKey.substring(0, downKey.length() - downSuffixLength());
    }

    private int downSuffixLength() {
      for (String s : DOWN) {
        if (downKey.endsWith(s)) {
          return s.length();
        }
      }
      return 0;
    }
  }

  private static final String[] DOWN = {".lora_down.weight", ".lora_A.weight", ".lora.down.weight",
      ".lora_linear_layer.down.weight", ".lora_A.default.weight"};
  private static final String[] UP = {".lora_up.weight", ".lora_B.weight", ".lora.up.weight",
      ".lora_linear_layer.up.weight", ".lora_B.default.weight"};

  private final SafetensorsFile file;
  private final List<Module> modules;
  private final List<String> unsupportedKeys;

  private LoraFile(SafetensorsFile file, List<Module> modules, List<String> unsupportedKeys) {
    this.file = file;
    this.modules = List.copyOf(modules);
    this.unsupportedKeys = List.copyOf(unsupportedKeys);
  }

  /**
   * Reads the file's header and sorts its keys into adapted layers.
   *
   * @throws InvalidModelException naming the file when it is no safetensors file, a pickle, or holds no LoRA
   */
  public static LoraFile read(Path path) {
    SafetensorsFile f = SafetensorsFile.open(path);
    Map<String, String[]> byBase = new LinkedHashMap<>(); // base -> {down, up, alpha}
    List<String> unsupported = new ArrayList<>();
    for (String key : f.tensors().keySet()) {
      int slot = -1;
      String base = null;
      for (String s : DOWN) {
        if (key.endsWith(s)) {
          slot = 0;
          base = key.substring(0, key.length() - s.length());
        }
      }
      for (String s : UP) {
        if (key.endsWith(s)) {
          slot = 1;
          base = key.substring(0, key.length() - s.length());
        }
      }
      if (key.endsWith(".alpha")) {
        slot = 2;
        base = key.substring(0, key.length() - ".alpha".length());
      }
      if (slot < 0) {
        unsupported.add(key);
        continue;
      }
      byBase.computeIfAbsent(base, b -> new String[3])[slot] = key;
    }
    List<Module> modules = new ArrayList<>();
    for (Map.Entry<String, String[]> e : byBase.entrySet()) {
      String[] k = e.getValue();
      if (k[0] == null || k[1] == null) {
        for (String key : k) {
          if (key != null) {
            unsupported.add(key);
          }
        }
        continue;
      }
      Module m = module(e.getKey(), k);
      if (m == null) {
        unsupported.add(k[0]);
        unsupported.add(k[1]);
        if (k[2] != null) {
          unsupported.add(k[2]);
        }
      } else {
        modules.add(m);
      }
    }
    if (modules.isEmpty()) {
      throw invalid(path, "holds no LoRA layers in a layout diffuse4j reads (kohya-ss"
          + " lora_unet_….lora_down/lora_up or diffusers/PEFT unet.….lora_A/lora_B); its first keys are "
          + f.tensors().keySet().stream().limit(5).toList());
    }
    return new LoraFile(f, modules, unsupported);
  }

  private static Module module(String base, String[] k) {
    String[][] kohya = {{"lora_unet_", "unet"}, {"lora_te1_", "text_encoder"}, {"lora_te2_", "text_encoder_2"},
        {"lora_te_", "text_encoder"}};
    for (String[] p : kohya) {
      if (base.startsWith(p[0])) {
        return new Module(p[1], base.substring(p[0].length()), LoraLayout.KOHYA, k[0], k[1], k[2]);
      }
    }
    String[][] peft = {{"unet.", "unet"}, {"text_encoder_2.", "text_encoder_2"}, {"text_encoder.", "text_encoder"},
        {"base_model.model.", null}};
    for (String[] p : peft) {
      if (base.startsWith(p[0])) {
        String rest = base.substring(p[0].length());
        String part = p[1] != null ? p[1] : rest.startsWith("text_model.") ? "text_encoder" : "unet";
        return new Module(part, rest, LoraLayout.PEFT, k[0], k[1], k[2]);
      }
    }
    return null;
  }

  /** The safetensors file. */
  public SafetensorsFile file() {
    return file;
  }

  /** The file's path. */
  public Path path() {
    return file.file();
  }

  /** The adapted layers. */
  public List<Module> modules() {
    return modules;
  }

  /** Keys that are no LoRA down/up/alpha of a known part (reported, never dropped silently). */
  public List<String> unsupportedKeys() {
    return unsupportedKeys;
  }

  private static InvalidModelException invalid(java.nio.file.Path file, String message) {
    return new InvalidModelException(file, file + ": " + message);
  }
}
