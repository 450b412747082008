package io.diffuse4j.conformance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.noise.NumpyRandomStateNoise;
import io.diffuse4j.noise.TorchCpuNoise;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Replays a {@code ldm-randn-cases/1} file (reference draws from PyTorch's CPU generator and
 * NumPy's {@code RandomState}) through {@link TorchCpuNoise} and {@link NumpyRandomStateNoise}
 * and reports one line per case:
 * {@code PASS <name> <max_abs_err> (<exact>/<total> bit-exact)} or {@code FAIL <name> <reason>}.
 * A case passes when every draw has the expected shape and no value is off by more than
 * {@value #TOLERANCE}.
 *
 * <p>The file holds {@code {"format": "ldm-randn-cases/1", "cases": [...]}}; a case has
 * {@code kind} ({@code torch_cpu_randn} or {@code numpy_randomstate_randn_f32}), an integer
 * {@code seed}, an optional {@code name}, and {@code draws}: successive {@code {shape, values}} drawn
 * from one generator.
 *
 * <pre>{@code
 * boolean ok = RandnConformance.run(Path.of("conformance/randn/cases.json"), System.out);
 * }</pre>
 *
 * <p>Stateless; safe to call from several threads (each run writes only to its own stream).
 */
public final class RandnConformance {

  /** The largest absolute error a passing case may have. */
  public static final double TOLERANCE = 1e-6;

  static final String FORMAT = "ldm-randn-cases/1";
  static final String TORCH_KIND = "torch_cpu_randn";
  static final String NUMPY_KIND = "numpy_randomstate_randn_f32";

  private RandnConformance() {}

  /** The outcome of one case: {@code failure} is null when it passed. */
  record CaseResult(String name, double maxAbsError, long exact, long total, String failure) {

    boolean passed() {
      return failure == null;
    }

    String line() {
      if (!passed()) {
        return "FAIL " + name + " " + failure;
      }
      return String.format(Locale.ROOT, "PASS %s %.3e (%d/%d bit-exact)", name, maxAbsError, exact, total);
    }
  }

  /**
   * Runs every case of {@code casesFile}, printing one line per case to {@code out}.
   *
   * @return true when the file could be read and every case passed
   */
  public static boolean run(Path casesFile, PrintStream out) {
    List<CaseResult> results;
    try {
      results = evaluate(casesFile);
    } catch (IllegalArgumentException e) {
      out.println("FAIL " + casesFile + " " + e.getMessage());
      return false;
    }
    boolean all = !results.isEmpty();
    for (CaseResult r : results) {
      out.println(r.line());
      all &= r.passed();
    }
    if (results.isEmpty()) {
      out.println("FAIL " + casesFile + " holds no cases");
    }
    return all;
  }

  /**
   * Evaluates every case of a file.
   *
   * @throws IllegalArgumentException when the file cannot be read or is not a {@value #FORMAT} file
   */
  static List<CaseResult> evaluate(Path casesFile) {
    JsonNode root;
    try {
      ObjectMapper mapper = new ObjectMapper();
      mapper.enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
      root = mapper.readTree(Files.readAllBytes(casesFile));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read randn cases file " + casesFile + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("randn cases file " + casesFile + " is not a JSON object");
    }
    String format = root.path("format").asText("");
    if (!FORMAT.equals(format)) {
      throw new IllegalArgumentException(
          "randn cases file " + casesFile + " has format '" + format + "', expected '" + FORMAT + "'");
    }
    JsonNode cases = root.path("cases");
    if (!cases.isArray()) {
      throw new IllegalArgumentException("randn cases file " + casesFile + " has no 'cases' array");
    }
    List<CaseResult> results = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      results.add(evaluateCase(cases.get(i), i));
    }
    return results;
  }

  private static CaseResult evaluateCase(JsonNode c, int index) {
    String kind = c.path("kind").asText("");
    String seedText = c.path("seed").asText("");
    String name = c.hasNonNull("name")
        ? c.get("name").asText()
        : String.format(Locale.ROOT, "%s#%d_seed%s", kind.isEmpty() ? "case" : kind, index, seedText);
    name = name.replace(' ', '_');
    try {
      if (!c.path("seed").isIntegralNumber()) {
        return fail(name, "field 'seed' is missing or not an integer: " + c.path("seed"));
      }
      BigInteger seed = c.get("seed").bigIntegerValue();
      NoiseSource source;
      switch (kind) {
        case TORCH_KIND -> {
          // manual_seed takes -2^63 .. 2^64 - 1 and keeps the 64-bit pattern.
          if (seed.bitLength() > (seed.signum() < 0 ? 63 : 64)) {
            return fail(name, "seed " + seed + " is outside torch.manual_seed's range -2^63 .. 2^64-1");
          }
          source = new TorchCpuNoise(seed.longValue());
        }
        case NUMPY_KIND -> {
          if (seed.signum() < 0 || seed.bitLength() > 32) {
            return fail(name, "seed " + seed + " is outside NumPy RandomState's range 0 .. 2^32-1");
          }
          source = new NumpyRandomStateNoise(seed.longValue());
        }
        default -> {
          return fail(name, "unknown kind '" + kind + "', expected '" + TORCH_KIND + "' or '" + NUMPY_KIND + "'");
        }
      }
      return compareDraws(name, source, c.path("draws"));
    } catch (IllegalArgumentException e) {
      return fail(name, e.getMessage());
    }
  }

  private static CaseResult compareDraws(String name, NoiseSource source, JsonNode draws) {
    if (!draws.isArray() || draws.isEmpty()) {
      return fail(name, "field 'draws' is missing or empty");
    }
    double maxErr = 0;
    long exact = 0;
    long total = 0;
    for (int d = 0; d < draws.size(); d++) {
      JsonNode draw = draws.get(d);
      int[] shape = readShape(draw.path("shape"), d);
      JsonNode values = draw.path("values");
      if (!values.isArray()) {
        return fail(name, "draw " + d + ": field 'values' is missing or not an array");
      }
      FloatTensor got = source.randn(shape);
      if (got.size() != values.size()) {
        return fail(name, "draw " + d + ": shape " + Arrays.toString(shape) + " gives " + got.size()
            + " values but the case lists " + values.size());
      }
      float[] data = got.data();
      for (int i = 0; i < data.length; i++) {
        float expected = (float) values.get(i).asDouble(Double.NaN);
        if (Float.floatToIntBits(expected) == Float.floatToIntBits(data[i])) {
          exact++;
        }
        double err = Math.abs((double) data[i] - (double) expected);
        if (Double.isNaN(err)) {
          return fail(name, "draw " + d + " value " + i + ": got " + data[i] + ", expected " + expected);
        }
        maxErr = Math.max(maxErr, err);
      }
      total += data.length;
    }
    if (maxErr > TOLERANCE) {
      return new CaseResult(name, maxErr, exact, total, String.format(Locale.ROOT,
          "max_abs_err %.3e > %.0e (%d/%d bit-exact)", maxErr, TOLERANCE, exact, total));
    }
    return new CaseResult(name, maxErr, exact, total, null);
  }

  private static int[] readShape(JsonNode shapeNode, int draw) {
    if (!shapeNode.isArray()) {
      throw new IllegalArgumentException("draw " + draw + ": field 'shape' is missing or not an array");
    }
    int[] shape = new int[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode dim = shapeNode.get(i);
      if (!dim.canConvertToInt()) {
        throw new IllegalArgumentException("draw " + draw + ": shape entry " + dim + " is not an int");
      }
      shape[i] = dim.asInt();
    }
    return shape;
  }

  private static CaseResult fail(String name, String reason) {
    return new CaseResult(name, Double.NaN, 0, 0, reason);
  }
}
