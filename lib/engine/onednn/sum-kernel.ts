/**
 * `Sum` over leading axes (every bias gradient: NHWC summed over `[B, H, W]`)
 * as the addon's native row sum, for the onednn engine. The plain wasm
 * engine's version adds the rows in JavaScript (`wasm-kernels/sum-leading-axes.ts`):
 * on `[64, 32, 32, 16]` 3.6 ms there, 0.4 ms here (busy machine). Other
 * reductions go to the kernel registered before.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmHeapBackend } from '../wasm-heap';
import { isLeadingAxes } from '../wasm-kernels/sum-leading-axes';
import { loadOnednnAddon } from './addon';

export function onednnSumConfig(backendName: string, fallback: tf.KernelFunc): tf.KernelConfig {
  const addon = loadOnednnAddon();
  return {
    kernelName: 'Sum',
    backendName,
    kernelFunc: (args) => {
      const { inputs, backend: owner, attrs } = args;
      const { x } = inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
      const axes = tf.util.parseAxisParam(axis, x.shape);
      if (x.dtype !== 'float32' || !isLeadingAxes(axes, x.shape.length) || tf.util.sizeFromShape(x.shape) === 0) return fallback(args);
      const backend = owner as WasmHeapBackend;
      const kept = x.shape.slice(axes.length);
      const cols = tf.util.sizeFromShape(kept);
      const out = backend.makeOutput(keepDims ? [...axes.map(() => 1), ...kept] : kept, 'float32'); // before the views
      addon.sumRows(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), tf.util.sizeFromShape(x.shape) / cols, cols);
      return out;
    },
  };
}
