package io.diffuse4j.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct, native-order buffers that one model's input tensors are built on, reused from run to run.
 *
 * <p>ONNX Runtime's Java API copies a heap buffer ({@code FloatBuffer.wrap(array)}) into a fresh
 * direct buffer for every tensor, and that native memory is only returned when the garbage collector
 * finds the buffer unreachable: across the 2 × 20 U-Net inputs of one image (latents and text
 * embeddings, about 0.6 MiB a step at 512²) it piles up between collections. A direct buffer handed
 * to {@code OnnxTensor.createTensor} is used in place, so a model that keeps the buffers of its
 * last runs fills them and allocates nothing per step.
 *
 * <p>At most {@link #MAX_POOLED_BYTES} are kept per model (larger inputs, e.g. a 2048² image for the
 * VAE encoder, are allocated per run as before). Thread-safe: concurrent runs take different buffers.
 */
final class InputBuffers {

  /** The most bytes of free buffers one model keeps. */
  static final long MAX_POOLED_BYTES = 32L << 20;

  private final ConcurrentHashMap<Integer, ConcurrentLinkedDeque<ByteBuffer>> free = new ConcurrentHashMap<>();
  private final AtomicLong pooledBytes = new AtomicLong();
  private volatile boolean closed;

  /** A cleared buffer of exactly {@code bytes} bytes, in native order, positioned at 0. */
  ByteBuffer take(int bytes) {
    ConcurrentLinkedDeque<ByteBuffer> q = free.get(bytes);
    ByteBuffer b = q == null ? null : q.pollFirst();
    if (b == null) {
      return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
    pooledBytes.addAndGet(-bytes);
    b.clear();
    return b;
  }

  /** Returns a buffer from {@link #take} once the tensor built on it is closed. */
  void give(ByteBuffer b) {
    int bytes = b.capacity();
    if (closed) {
      return; // dropped: the garbage collector frees it
    }
    if (pooledBytes.addAndGet(bytes) > MAX_POOLED_BYTES) {
      pooledBytes.addAndGet(-bytes);
      return;
    }
    free.computeIfAbsent(bytes, k -> new ConcurrentLinkedDeque<>()).offerFirst(b);
  }

  /** Bytes kept for reuse now. */
  long pooledBytes() {
    return pooledBytes.get();
  }

  /** Drops every kept buffer; later {@link #give}s drop theirs. */
  void clear() {
    closed = true;
    free.clear();
    pooledBytes.set(0);
  }
}
