/**
 * `Sum` over leading axes for the wasm backend. wasm's own kernel reduces the
 * innermost axes only, so a sum over `[B, H, W]` of an NHWC tensor — every
 * bias gradient of a convolution — first transposes the whole tensor to put
 * the channels in front. Here the `[R, C]` view is multiplied by a row of
 * ones instead, `[1, R] × [R, C]`, with wasm's own (XNNPACK) `BatchMatMul`.
 * On `[64, 32, 32, 16]` summed to `[16]` (busy machine): wasm's kernel
 * 8.4 ms, the rows added in JavaScript 3.6 ms, the product 0.35 ms. Any other
 * reduction (or a non-float tensor) goes to wasm's own kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernel-calls';

/** Whether `axes` (normalised, any order) are exactly the first `axes.length` axes and leave at least one axis. */
export function isLeadingAxes(axes: number[], rank: number): boolean {
  const sorted = [...axes].sort((a, b) => a - b);
  return sorted.length > 0 && sorted.length < rank && sorted.every((a, i) => a === i);
}

export function sumLeadingAxesConfig(backendName: string, fallback: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'Sum',
    backendName,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const { x } = inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
      const axes = tf.util.parseAxisParam(axis, x.shape);
      if (x.dtype !== 'float32' || !isLeadingAxes(axes, x.shape.length) || tf.util.sizeFromShape(x.shape) === 0) return fallback(args);
      const kept = x.shape.slice(axes.length);
      const cols = tf.util.sizeFromShape(kept);
      const rows = tf.util.sizeFromShape(x.shape) / cols;
      const calls = new KernelCalls(backend as tf.KernelBackend, backendName);
      const ones = calls.write(new Float32Array(rows).fill(1), [1, 1, rows]);
      const product = calls.run('BatchMatMul', { a: ones, b: calls.reshape(x, [1, rows, cols]) }, { transposeA: false, transposeB: false });
      return calls.finish(calls.reshape(product, keepDims ? [...axes.map(() => 1), ...kept] : kept));
    },
  };
}
