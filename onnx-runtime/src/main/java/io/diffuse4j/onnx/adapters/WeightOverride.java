package io.diffuse4j.onnx.adapters;

/**
 * New values for one ONNX initializer, given to ONNX Runtime when a session is created so the
 * model file stays as it is.
 *
 * @param name the initializer's name in the graph
 * @param dataType ONNX data type to hand over (1 float32, 10 float16: the initializer's own)
 * @param dims the shape (the initializer's, or more rows for a grown token embedding)
 * @param values the values as float32
 * @param replacesExternal whether the initializer is stored as external data and keeps its shape
 *     (ONNX Runtime then takes it through {@code addExternalInitializers}, with every graph optimization)
 */
public record WeightOverride(String name, int dataType, long[] dims, float[] values, boolean replacesExternal) {}
