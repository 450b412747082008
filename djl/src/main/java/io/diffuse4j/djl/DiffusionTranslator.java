package io.diffuse4j.djl;

import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import io.diffuse4j.api.pipeline.Cancellation;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;

/**
 * The common part of the translators of {@link DiffusionTranslatorFactory}: turns the input into a
 * {@link GenerationRequest} (filled with the Criteria's {@link RequestDefaults}), generates with the
 * model's pipeline and turns the result into the output. DJL's {@code Predictor.batchPredict} runs the
 * inputs of a batch one after the other on the same pipeline. Thread-safe (the pipeline is); a
 * {@code Predictor} using it is not, as usual in DJL.
 *
 * @param <I> the predictor's input type
 * @param <O> the predictor's output type
 */
abstract class DiffusionTranslator<I, O> implements NoBatchifyTranslator<I, O> {

  private static final String RESULT = "diffuse4j.result";

  protected final DiffusionModel model;
  protected final RequestDefaults defaults;

  DiffusionTranslator(DiffusionModel model, RequestDefaults defaults) {
    this.model = model;
    this.defaults = defaults;
  }

  /** The request for one input. */
  abstract GenerationRequest request(I input) throws Exception;

  /** The output for one result. */
  abstract O output(GenerationResult result) throws Exception;

  @Override
  public NDList processInput(TranslatorContext ctx, I input) throws Exception {
    GenerationRequest request = request(input);
    ctx.setAttachment(RESULT, model.pipeline().generate(request, defaults.listener(), Cancellation.NONE));
    return new NDList();
  }

  @Override
  public O processOutput(TranslatorContext ctx, NDList list) throws Exception {
    return output((GenerationResult) ctx.getAttachment(RESULT));
  }

  /** GenerationRequest → GenerationResult. */
  static final class Requests extends DiffusionTranslator<GenerationRequest, GenerationResult> {
    Requests(DiffusionModel model, RequestDefaults defaults) {
      super(model, defaults);
    }

    @Override
    GenerationRequest request(GenerationRequest input) {
      return defaults.fill(input);
    }

    @Override
    GenerationResult output(GenerationResult result) {
      return result;
    }
  }

  /** Prompt → first image. */
  static final class Prompts extends DiffusionTranslator<String, ai.djl.modality.cv.Image> {
    Prompts(DiffusionModel model, RequestDefaults defaults) {
      super(model, defaults);
    }

    @Override
    GenerationRequest request(String prompt) {
      return defaults.forPrompt(prompt);
    }

    @Override
    ai.djl.modality.cv.Image output(GenerationResult result) {
      return DjlImages.toImage(result.first().image());
    }
  }
}
