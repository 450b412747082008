package io.diffuse4j.samples.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * AUTOMATIC1111 sampler names ({@code "Euler a"}, {@code "DPM++ 2M Karras"}) and its
 * {@code scheduler} field ({@code "Karras"}) mapped to diffuse4j scheduler names. Plugin
 * schedulers, which that tool does not know, are offered under their own names. Immutable and
 * thread-safe.
 */
final class Samplers {

  /** A sampler as AUTOMATIC1111 lists it. */
  record Sampler(String name, String scheduler, List<String> aliases) {}

  private static final Map<String, String> A1111 = new LinkedHashMap<>();
  private static final Map<String, List<String>> ALIASES = Map.of(
      "Euler a", List.of("k_euler_a", "k_euler_ancestral"), "Euler", List.of("k_euler"), "LMS", List.of("k_lms"),
      "Heun", List.of("k_heun"), "DPM++ 2M", List.of("k_dpmpp_2m"), "DPM++ 2M Karras", List.of("k_dpmpp_2m_ka"),
      "DPM++ 2M SDE", List.of("k_dpmpp_2m_sde"), "DDIM", List.of(), "PLMS", List.of(), "UniPC", List.of());

  static {
    A1111.put("Euler a", "euler-a");
    A1111.put("Euler", "euler");
    A1111.put("LMS", "lms");
    A1111.put("Heun", "heun");
    A1111.put("DPM++ 2M", "dpm++2m");
    A1111.put("DPM++ 2M Karras", "dpm++2m-karras");
    A1111.put("DPM++ 2M SDE", "dpm++2m-sde");
    A1111.put("DDIM", "ddim");
    A1111.put("PLMS", "pndm");
    A1111.put("UniPC", "unipc");
    A1111.put("LCM", "lcm");
    A1111.put("DDPM", "ddpm");
  }

  private final List<Sampler> samplers;

  /** The samplers of a pipeline's scheduler names. */
  Samplers(List<String> schedulerNames) {
    List<Sampler> s = new ArrayList<>();
    for (Map.Entry<String, String> e : A1111.entrySet()) {
      if (schedulerNames.contains(e.getValue())) {
        List<String> aliases = new ArrayList<>(ALIASES.getOrDefault(e.getKey(), List.of()));
        aliases.add(e.getValue());
        s.add(new Sampler(e.getKey(), e.getValue(), aliases));
      }
    }
    for (String n : schedulerNames) {
      if (!A1111.containsValue(n)) {
        s.add(new Sampler(n, n, List.of(n)));
      }
    }
    this.samplers = List.copyOf(s);
  }

  List<Sampler> all() {
    return samplers;
  }

  /** The AUTOMATIC1111 name of a diffuse4j scheduler name. */
  String a1111Name(String scheduler) {
    return samplers.stream().filter(s -> s.scheduler().equals(scheduler)).map(Sampler::name).findFirst()
        .orElse(scheduler);
  }

  /**
   * The diffuse4j scheduler for a sampler name and schedule type; null sampler means the model's
   * default. Sampler names match case-insensitively, as names, aliases or diffuse4j names.
   */
  String resolve(String samplerName, String schedule) {
    if (samplerName == null || samplerName.isBlank()) {
      if (schedule != null && !schedule.isBlank() && !schedule.equalsIgnoreCase("automatic")) {
        throw ApiException.badRequest("scheduler", "scheduler '" + schedule + "' needs a sampler_name");
      }
      return null;
    }
    Sampler found = null;
    for (Sampler s : samplers) {
      if (s.name().equalsIgnoreCase(samplerName) || s.aliases().stream().anyMatch(a -> a.equalsIgnoreCase(samplerName))) {
        found = s;
        break;
      }
    }
    if (found == null) {
      throw ApiException.badRequest("sampler_name", "Unknown sampler_name '" + samplerName + "'; known: "
          + String.join(", ", samplers.stream().map(Sampler::name).toList()));
    }
    String sched = schedule == null ? "automatic" : schedule.strip().toLowerCase(Locale.ROOT);
    switch (sched) {
      case "", "automatic" -> {
        return found.scheduler();
      }
      case "karras" -> {
        if (found.scheduler().endsWith("-karras")) {
          return found.scheduler();
        }
        String k = found.scheduler() + "-karras";
        if (samplers.stream().anyMatch(s -> s.scheduler().equals(k))) {
          return k;
        }
        throw ApiException.badRequest("scheduler", "scheduler 'Karras' is available with DPM++ 2M only, not with '"
            + found.name() + "'; use 'Automatic'");
      }
      default -> throw ApiException.badRequest("scheduler", "scheduler '" + schedule + "' is not supported; use"
          + " 'Automatic' (the sampler's own schedule) or 'Karras' (with DPM++ 2M)");
    }
  }
}
