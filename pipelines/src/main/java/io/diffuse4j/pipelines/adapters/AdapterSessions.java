package io.diffuse4j.pipelines.adapters;

import io.diffuse4j.api.model.Denoiser;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.api.pipeline.LoraSpec;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.OnnxSessionFactory;
import io.diffuse4j.onnx.adapters.AdapterMerger;
import io.diffuse4j.onnx.adapters.LoraFile;
import io.diffuse4j.onnx.adapters.TextualInversion;
import io.diffuse4j.onnx.adapters.WeightIndex;
import io.diffuse4j.onnx.adapters.WeightOverride;
import io.diffuse4j.onnx.graph.OnnxGraph;
import io.diffuse4j.pipelines.model.LoadedModel;
import io.diffuse4j.textencoder.OnnxTextEncoder;
import io.diffuse4j.unet.OnnxUNet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sessions of a model with LoRA adapters and textual-inversion embeddings merged in: the U-Net and
 * text encoders are opened again with their adapted initializers handed to ONNX Runtime (the model
 * files are not changed); the VAE and the tokenizers are shared with the base model. One adapter
 * set is kept at a time: asking for another closes the previous set's sessions once the last
 * generation using them is done, so memory stays at the base model plus one adapted copy.
 *
 * <pre>{@code
 * try (AdapterSessions.Lease lease = adapters.acquire(List.of(new LoraSpec(path, 0.8)), List.of())) {
 *   LoadedModel m = lease.model();   // adapted parts; closing the lease releases them
 * }
 * }</pre>
 *
 * <p>Thread-safe: leases are counted; sessions are shared by concurrent generations of the same set.
 */
public final class AdapterSessions implements AutoCloseable {

  private final LoadedModel base;
  private final OnnxSessionFactory sessions;
  private final Map<String, WeightIndex> indexes = new HashMap<>();
  private Adapted current;

  /** Adapter sessions over {@code base}, opened by {@code sessions}. */
  public AdapterSessions(LoadedModel base, OnnxSessionFactory sessions) {
    this.base = base;
    this.sessions = sessions;
  }

  /** A model with (or, for an empty set, without) adapters; close it when the generation is done. */
  public interface Lease extends AutoCloseable {
    /** The model to generate with. */
    LoadedModel model();

    /** Per text encoder part, the token ids of each embedding name. */
    Map<String, Map<String, int[]>> embeddingIds();

    /** What merging reported (layers that matched nothing...). */
    List<String> warnings();

    @Override
    void close();
  }

  private record Key(List<LoraSpec> loras, List<Path> embeddings) {}

  private final class Adapted implements Lease {
    final Key key;
    final LoadedModel model;
    final List<AutoCloseable> opened;
    final Map<String, Map<String, int[]>> ids;
    final List<String> warnings;
    int users;
    boolean retired;

    Adapted(Key key, LoadedModel model, List<AutoCloseable> opened, Map<String, Map<String, int[]>> ids,
        List<String> warnings) {
      this.key = key;
      this.model = model;
      this.opened = opened;
      this.ids = ids;
      this.warnings = warnings;
    }

    @Override
    public LoadedModel model() {
      return model;
    }

    @Override
    public Map<String, Map<String, int[]>> embeddingIds() {
      return ids;
    }

    @Override
    public List<String> warnings() {
      return warnings;
    }

    @Override
    public void close() {
      synchronized (AdapterSessions.this) {
        users--;
        if (retired && users == 0) {
          free();
        }
      }
    }

    void free() {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception e) {
          // closing the adapted copy of a session; the base model is untouched
        }
      }
    }
  }

  /**
   * The model with these adapters (LoRAs with a scale of 0 are left out). An empty set gives the
   * base model.
   *
   * @throws InvalidRequestException when the model's parts are not ONNX Runtime sessions
   * @throws io.diffuse4j.api.pipeline.InvalidModelException naming a file that cannot be used
   */
  public synchronized Lease acquire(List<LoraSpec> loras, List<Path> embeddings) {
    List<LoraSpec> active = new ArrayList<>();
    for (LoraSpec l : loras) {
      if (l.scale() != 0) {
        active.add(new LoraSpec(l.file().toAbsolutePath().normalize(), l.scale()));
      }
    }
    List<Path> emb = embeddings.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    if (active.isEmpty() && emb.isEmpty()) {
      return baseLease();
    }
    Key key = new Key(List.copyOf(active), List.copyOf(emb));
    if (current != null && current.key.equals(key)) {
      current.users++;
      return current;
    }
    Adapted next = open(key);
    if (current != null) {
      current.retired = true;
      if (current.users == 0) {
        current.free();
      }
    }
    current = next;
    current.users++;
    return current;
  }

  private Lease baseLease() {
    return new Lease() {
      @Override
      public LoadedModel model() {
        return base;
      }

      @Override
      public Map<String, Map<String, int[]>> embeddingIds() {
        return Map.of();
      }

      @Override
      public List<String> warnings() {
        return List.of();
      }

      @Override
      public void close() {}
    };
  }

  private WeightIndex index(String part) {
    return indexes.computeIfAbsent(part, p -> new WeightIndex(OnnxGraph.read(partFile(p))));
  }

  private Path partFile(String part) {
    return base.folder().dir().resolve(part).resolve("model.onnx");
  }

  private Adapted open(Key key) {
    if (!(base.textEncoder() instanceof OnnxTextEncoder te) || !(base.denoiser() instanceof OnnxUNet unet)
        || (base.textEncoder2() != null && !(base.textEncoder2() instanceof OnnxTextEncoder))) {
      throw new InvalidRequestException("loras", "LoRA adapters and textual-inversion embeddings are merged into ONNX"
          + " models; this model's parts run on another engine (" + base.denoiser().getClass().getSimpleName() + ")");
    }
    List<AdapterMerger.LoraUse> uses = new ArrayList<>();
    for (LoraSpec l : key.loras()) {
      uses.add(new AdapterMerger.LoraUse(LoraFile.read(l.file()), l.scale()));
    }
    List<TextualInversion> tis = new ArrayList<>();
    for (Path p : key.embeddings()) {
      tis.add(TextualInversion.read(p));
    }
    Map<String, WeightIndex> parts = new LinkedHashMap<>();
    parts.put("unet", index("unet"));
    parts.put("text_encoder", index("text_encoder"));
    if (base.textEncoder2() != null) {
      parts.put("text_encoder_2", index("text_encoder_2"));
    }
    AdapterMerger.Result r = AdapterMerger.merge(parts, uses, tis);
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      TextEncoder te1 = te;
      TextEncoder te2 = base.textEncoder2();
      Denoiser u = unet;
      List<WeightOverride> o = r.overrides().get("text_encoder");
      if (o != null) {
        te1 = te.withModel(openPart("text_encoder", o, opened));
        opened.add(te1);
      }
      o = r.overrides().get("text_encoder_2");
      if (o != null) {
        te2 = ((OnnxTextEncoder) te2).withModel(openPart("text_encoder_2", o, opened));
        opened.add(te2);
      }
      o = r.overrides().get("unet");
      if (o != null) {
        u = unet.withModel(openPart("unet", o, opened));
        opened.add(u);
      }
      LoadedModel m = new LoadedModel(base.folder(), base.info(), base.family(), te1, te2, u, base.vaeDecoder(),
          base.vaeEncoder(), base.schedulerConfig());
      return new Adapted(key, m, opened, r.embeddingIds(), r.warnings());
    } catch (RuntimeException e) {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private OnnxModel openPart(String part, List<WeightOverride> overrides, List<AutoCloseable> opened) {
    return sessions.open(partFile(part), part, overrides);
  }

  /** Closes the adapted sessions (the base model is closed by its owner). */
  @Override
  public synchronized void close() {
    if (current != null) {
      current.free();
      current = null;
    }
  }
}
