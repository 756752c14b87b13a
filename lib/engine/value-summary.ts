/**
 * The smallest and largest value of a tensor and its NaN count, for the
 * kit's range checks of its inputs (lib/core/checks.ts), as one kernel.
 * Written with tfjs's ops it is `Min`, `Max`, `IsNan`, a cast, a `Sum` and a
 * `Pack`: five passes over the tensor, about 7 % of a masker's forward pass
 * on 32 images. {@link VALUE_SUMMARY} makes one pass: in JavaScript on the
 * wasm engine, in the addon's threaded loop on the onednn engine. Backends
 * without it (cpu, WebGL, WebGPU) keep tfjs's ops.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmHeapBackend } from './wasm-heap';

/** The kernel's name (the kit's own). Input `x` (float32); output `[min, max, NaN count]`, float32. */
export const VALUE_SUMMARY = 'SaliencyKitValueSummary';

/** Writes min and max over the values that are not NaN (+∞ and −∞ when none is) and the NaN count to `out`. */
export type ValueSummaryLoop = (x: Float32Array, out: Float32Array) => void;

/** {@link ValueSummaryLoop} in JavaScript. */
export function valueSummaryInJavaScript(x: Float32Array, out: Float32Array): void {
  let lo = Infinity;
  let hi = -Infinity;
  let nans = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) nans++;
    else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  out[0] = lo;
  out[1] = hi;
  out[2] = nans;
}

/** {@link VALUE_SUMMARY} for a wasm-heap backend, running `loop` on the tensor in the heap. */
export function valueSummaryConfig(backendName: string, loop: ValueSummaryLoop): tf.KernelConfig {
  return {
    kernelName: VALUE_SUMMARY,
    backendName,
    kernelFunc: ({ inputs, backend: owner }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      if (x.dtype !== 'float32')
        throw new Error(`${VALUE_SUMMARY}: x must be float32, got ${x.dtype}`);
      const backend = owner as WasmHeapBackend;
      const out = backend.makeOutput([3], 'float32'); // before the views
      loop(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out));
      return out;
    },
  };
}

/**
 * The min, max and NaN count of `t` in one small synchronous read-back. min
 * and max are the values' when none is NaN; with NaNs they depend on the
 * backend (the kit's checks read the count first). No tensor is left behind.
 */
export function valueSummary(t: tf.Tensor): { min: number; max: number; nans: number } {
  const [min, max, nans] = tf.tidy(() => {
    const x = tf.cast(t, 'float32');
    if (tf.getKernel(VALUE_SUMMARY, tf.getBackend()) !== undefined)
      return (tf.engine().runKernel(VALUE_SUMMARY, { x }) as tf.Tensor).dataSync();
    return tf.stack([tf.min(x), tf.max(x), tf.sum(tf.cast(tf.isNaN(x), 'float32'))]).dataSync();
  });
  return { min, max, nans };
}
