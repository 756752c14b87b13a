/** Wall-clock timing of tensor work, synchronised by reading the result. */
import * as tf from '@tensorflow/tfjs';

export interface TimingOptions {
  /**
   * Untimed calls first (kernel setup, operator caches). Default 2. Skipped when
   * the first call alone takes `minSeconds` or more: then that call is the timing.
   */
  warmup?: number;
  /** Keep timing until this many seconds have passed... Default 1. */
  minSeconds?: number;
  /** ...and at least this many calls were made. Default 3. */
  minReps?: number;
}

export interface Timing {
  /** Mean milliseconds per call. */
  meanMs: number;
  reps: number;
}

/**
 * Times `fn`, which returns tensors; each call's result is read back (so the
 * backend has really finished) and disposed.
 */
export function timeTensorWork(
  fn: () => tf.Tensor | tf.Tensor[],
  options: TimingOptions = {},
): Timing {
  const { warmup = 2, minSeconds = 1, minReps = 3 } = options;
  const once = () => {
    const out = fn();
    const tensors = Array.isArray(out) ? out : [out];
    for (const t of tensors) t.dataSync();
    tf.dispose(tensors);
  };
  const first = performance.now();
  once();
  const firstMs = performance.now() - first;
  if (firstMs >= minSeconds * 1000) return { meanMs: firstMs, reps: 1 };
  for (let i = 1; i < warmup; i++) once();
  const start = performance.now();
  let reps = 0;
  while (reps < minReps || performance.now() - start < minSeconds * 1000) {
    once();
    reps++;
  }
  return { meanMs: (performance.now() - start) / reps, reps };
}
