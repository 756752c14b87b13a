/**
 * `Sum` over leading axes for the wasm backend. wasm's own kernel reduces the
 * innermost axes only, so a sum over `[B, H, W]` of an NHWC tensor — every
 * bias gradient of a convolution — first transposes the whole tensor to put
 * the channels in front. This kernel adds the rows of the `[R, C]` view in
 * place instead, one pass over the data, about twice as fast. (A product with
 * a row of ones through wasm's XNNPACK `BatchMatMul` is faster on a reused
 * tensor but slowed a training step: XNNPACK packs its right operand anew for
 * every new tensor.) The onednn engine replaces it with a native loop. Any
 * other reduction (or a non-float tensor) goes to wasm's own kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmHeapBackend } from '../wasm-heap';

/** Whether `axes` (normalised, any order) are exactly the first `axes.length` axes and leave at least one axis. */
export function isLeadingAxes(axes: number[], rank: number): boolean {
  const sorted = [...axes].sort((a, b) => a - b);
  return sorted.length > 0 && sorted.length < rank && sorted.every((a, i) => a === i);
}

/** A `Sum` over the leading axes of a non-empty float tensor, read as rows of an `[R, C]` matrix. */
interface LeadingAxesSum {
  x: tf.TensorInfo;
  rows: number;
  cols: number;
  /** The output's shape (with 1s for the reduced axes under `keepDims`). */
  shape: number[];
}

/** The `Sum` call as a {@link LeadingAxesSum}, or undefined when it reduces other axes, is empty or not float32. */
function leadingAxesSum({
  inputs,
  attrs,
}: Pick<Parameters<tf.KernelFunc>[0], 'inputs' | 'attrs'>): LeadingAxesSum | undefined {
  const { x } = inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
  const axes = tf.util.parseAxisParam(axis, x.shape);
  if (
    x.dtype !== 'float32' ||
    !isLeadingAxes(axes, x.shape.length) ||
    tf.util.sizeFromShape(x.shape) === 0
  )
    return undefined;
  const kept = x.shape.slice(axes.length);
  const cols = tf.util.sizeFromShape(kept);
  return {
    x,
    rows: tf.util.sizeFromShape(x.shape) / cols,
    cols,
    shape: keepDims ? [...axes.map(() => 1), ...kept] : kept,
  };
}

/** Writes the sum of the `rows` rows of the `[rows, cols]` matrix `x` into `out` (`cols` values). */
export type RowSum = (x: Float32Array, out: Float32Array, rows: number, cols: number) => void;

/** {@link RowSum} in JavaScript: accumulated in float64 (a Float32Array would round at every row), four rows per pass over the accumulator. */
export function sumRowsInJavaScript(
  x: Float32Array,
  out: Float32Array,
  rows: number,
  cols: number,
): void {
  const acc = new Float64Array(cols);
  let r = 0;
  for (let o = 0; r + 4 <= rows; r += 4, o += 4 * cols) {
    for (let c = 0, a = o; c < cols; c++, a++)
      acc[c] += x[a] + x[a + cols] + x[a + 2 * cols] + x[a + 3 * cols];
  }
  for (let o = r * cols; r < rows; r++, o += cols) {
    for (let c = 0; c < cols; c++) acc[c] += x[o + c];
  }
  out.set(acc);
}

/**
 * `Sum` over leading axes as `sumRows` on the tensors in the wasm heap (the
 * JavaScript row sum here, the addon's native one on the onednn engine);
 * any other reduction goes to `fallback`.
 */
export function sumLeadingAxesConfig(
  backendName: string,
  fallback: tf.KernelFunc,
  sumRows: RowSum = sumRowsInJavaScript,
): tf.KernelConfig {
  return {
    kernelName: 'Sum',
    backendName,
    kernelFunc: (args) => {
      const sum = leadingAxesSum(args);
      if (!sum) return fallback(args);
      const backend = args.backend as WasmHeapBackend;
      const out = backend.makeOutput(sum.shape, 'float32'); // allocate first: growing the heap detaches older views
      sumRows(
        backend.typedArrayFromHeap(sum.x),
        backend.typedArrayFromHeap(out),
        sum.rows,
        sum.cols,
      );
      return out;
    },
  };
}
