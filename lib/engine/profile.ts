/** Per-kernel time of a piece of tensor work, from `tf.profile`. */
import * as tf from '@tensorflow/tfjs';

export interface KernelShare {
  kernel: string;
  /** Calls of this kernel in one run of the work. */
  calls: number;
  /** Milliseconds spent in the kernel in one run. */
  ms: number;
  /** Fraction of the summed kernel time. */
  share: number;
}

/**
 * Runs `fn` once under `tf.profile` and returns its kernels by total time,
 * largest first. The tensors `fn` returns are disposed.
 */
export async function kernelProfile(fn: () => tf.Tensor | tf.Tensor[]): Promise<KernelShare[]> {
  const info = await tf.profile(() => fn());
  tf.dispose(info.result as tf.Tensor | tf.Tensor[]);
  const byKernel = new Map<string, { calls: number; ms: number }>();
  for (const k of info.kernels) {
    // A backend that cannot time a kernel reports { error } instead of a number: count it as 0 ms.
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const entry = byKernel.get(k.name) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += ms;
    byKernel.set(k.name, entry);
  }
  const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0) || 1;
  return [...byKernel.entries()]
    .map(([kernel, e]) => ({ kernel, calls: e.calls, ms: e.ms, share: e.ms / total }))
    .sort((a, b) => b.ms - a.ms);
}
