package io.diffuse4j.djl;

import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import io.diffuse4j.api.pipeline.Cancellation;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import java.util.function.BiFunction;
import java.util.function.Function;

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

  /**
   * A translator from two functions: the input to a request (given the defaults) and the result to
   * the output.
   */
  static <I, O> DiffusionTranslator<I, O> of(DiffusionModel model, RequestDefaults defaults,
      BiFunction<RequestDefaults, I, GenerationRequest> toRequest, Function<GenerationResult, O> toOutput) {
    return new DiffusionTranslator<>(model, defaults) {
      @Override
      GenerationRequest request(I input) {
        return toRequest.apply(defaults, input);
      }

      @Override
      O output(GenerationResult result) {
        return toOutput.apply(result);
      }
    };
  }

  /** GenerationRequest → GenerationResult. */
  static DiffusionTranslator<GenerationRequest, GenerationResult> requests(DiffusionModel model,
      RequestDefaults defaults) {
    return of(model, defaults, RequestDefaults::fill, result -> result);
  }

  /** Prompt → first image. */
  static DiffusionTranslator<String, ai.djl.modality.cv.Image> prompts(DiffusionModel model,
      RequestDefaults defaults) {
    return of(model, defaults, RequestDefaults::forPrompt, result -> DjlImages.toImage(result.first().image()));
  }
}
