package io.diffuse4j.djl;

import ai.djl.Application;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.repository.MRL;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Progress;
import io.diffuse4j.pipelines.model.BundledModelFiles;
import java.util.Map;

/**
 * Loads the bundled tiny model (from the diffuse4j-bundled-model jar, unpacked into the temporary
 * folder once) for {@code Criteria} with group {@value DiffusionModelZoo#GROUP_ID} and artifact
 * {@value #ARTIFACT_ID}. Nothing is downloaded. Thread-safe.
 */
final class BundledModelLoader implements ModelLoader {

  static final String ARTIFACT_ID = "bundled";

  @Override
  public String getGroupId() {
    return DiffusionModelZoo.GROUP_ID;
  }

  @Override
  public String getArtifactId() {
    return ARTIFACT_ID;
  }

  @Override
  public Application getApplication() {
    return Application.UNDEFINED;
  }

  @Override
  public MRL getMrl() {
    return MRL.undefined(null, DiffusionModelZoo.GROUP_ID, ARTIFACT_ID);
  }

  @Override
  public <I, O> ZooModel<I, O> loadModel(Criteria<I, O> criteria) throws ModelNotFoundException,
      MalformedModelException {
    TranslatorFactory factory = criteria.getTranslatorFactory() != null ? criteria.getTranslatorFactory()
        : new DiffusionTranslatorFactory();
    if (!factory.isSupported(criteria.getInputClass(), criteria.getOutputClass())) {
      throw new ModelNotFoundException("The bundled diffuse4j model translates " + factory.getSupportedTypes()
          + ", not " + criteria.getInputClass().getName() + " → " + criteria.getOutputClass().getName());
    }
    String name = criteria.getModelName() != null ? criteria.getModelName() : ARTIFACT_ID;
    Model model = Model.newInstance(name, criteria.getDevice(), DiffusionEngine.ENGINE_NAME);
    try {
      Map<String, Object> arguments = criteria.getArguments();
      arguments.forEach((k, v) -> model.setProperty(k, String.valueOf(v)));
      model.load(BundledModelFiles.folder(), null, criteria.getOptions());
      Translator<I, O> translator = factory.newInstance(criteria.getInputClass(), criteria.getOutputClass(), model,
          arguments);
      return new ZooModel<>(model, translator);
    } catch (TranslateException e) {
      model.close();
      throw new ModelNotFoundException("No translator for the bundled model: " + e.getMessage(), e);
    } catch (java.io.IOException e) {
      model.close();
      throw new MalformedModelException("Could not open the bundled model: " + e.getMessage(), e);
    } catch (RuntimeException | MalformedModelException e) {
      model.close();
      throw e;
    }
  }

  @Override
  public <I, O> boolean isDownloaded(Criteria<I, O> criteria) {
    return true;
  }

  @Override
  public <I, O> void downloadModel(Criteria<I, O> criteria, Progress progress) {
    // part of the jar: nothing to download
  }
}
