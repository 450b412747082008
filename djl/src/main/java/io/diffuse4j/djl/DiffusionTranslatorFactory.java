package io.diffuse4j.djl;

import ai.djl.Model;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.modality.cv.Image;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * The DJL {@link TranslatorFactory} of diffuse4j models: {@link GenerationRequest} → {@link GenerationResult},
 * {@code String} (a prompt) → {@link Image} (the first image), and DJL Serving's {@link Input} → {@link Output}
 * (text or JSON in, PNG out). Name it in a model folder's {@code serving.properties}:
 *
 * <pre>
 * engine=Diffuse4j
 * translatorFactory=io.diffuse4j.djl.DiffusionTranslatorFactory
 * </pre>
 *
 * or give it to a {@code Criteria} with {@code optArgument("translatorFactory", ...)}. The Criteria's
 * arguments become the predictors' {@link RequestDefaults}. Stateless and thread-safe.
 */
public final class DiffusionTranslatorFactory implements TranslatorFactory {

  private static final Set<Pair<Type, Type>> TYPES = Set.of(
      new Pair<>(GenerationRequest.class, GenerationResult.class), new Pair<>(String.class, Image.class),
      new Pair<>(Input.class, Output.class));

  /** Created by DJL from {@code serving.properties} or the Criteria. */
  public DiffusionTranslatorFactory() {}

  @Override
  public Set<Pair<Type, Type>> getSupportedTypes() {
    return TYPES;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
      throws TranslateException {
    if (!(model instanceof DiffusionModel m)) {
      throw new TranslateException("The model " + model.getName() + " was loaded by DJL engine "
          + model.getNDManager().getEngine().getEngineName() + "; diffuse4j models need engine "
          + DiffusionEngine.ENGINE_NAME + " (Criteria.optEngine(\"" + DiffusionEngine.ENGINE_NAME + "\") or engine="
          + DiffusionEngine.ENGINE_NAME + " in serving.properties)");
    }
    RequestDefaults defaults = RequestDefaults.from(arguments);
    if (input == GenerationRequest.class && output == GenerationResult.class) {
      return (Translator<I, O>) DiffusionTranslator.requests(m, defaults);
    }
    if (input == String.class && output == Image.class) {
      return (Translator<I, O>) DiffusionTranslator.prompts(m, defaults);
    }
    if (input == Input.class && output == Output.class) {
      return (Translator<I, O>) new ServingTranslator(m, defaults);
    }
    throw new TranslateException("diffuse4j models translate " + TYPES + ", not " + input.getName() + " → "
        + output.getName());
  }
}
