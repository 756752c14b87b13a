/**
 * `Slice`, `SplitV` and `Concat` for the wasm backend as box copies on the
 * tensors in the heap. wasm's own `Slice` first copies its whole input out of
 * the heap (`readSync`) and then the box out of that copy; its `SplitV` is
 * one such `Slice` per output, so splitting a tensor in k parts copied it k
 * times over (the gradient of every concatenation, e.g. the masker's
 * upsampler inputs, is a `SplitV`). Here each output is written once,
 * straight from the input's data, by a {@link BoxCopy}: rows of the
 * innermost axis copied with `set` in JavaScript on the wasm engine, the
 * addon's threaded `memcpy` rows on the onednn engine. A slice that is the
 * whole tensor (tfjs-layers' `predict` slices every input into batches)
 * shares the input's data, as `Identity` does. Anything else (non-float
 * tensors, empty outputs, rank 0) goes to the kernel registered before.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmHeapBackend } from '../wasm-heap';
import { sharedData } from './identity';

/**
 * Copies a box of `src` into `dst`. `box` = rank, then per axis (rank values
 * each): source shape, source begin, destination shape, destination begin, size.
 */
export type BoxCopy = (src: Float32Array, dst: Float32Array, box: Int32Array) => void;

/** One axis of a box copy. */
interface BoxAxis {
  srcShape: number;
  srcBegin: number;
  dstShape: number;
  dstBegin: number;
  size: number;
}

/**
 * The box as the copy reads it, with each axis the box spans whole in both
 * tensors merged into the axis before it: a batch slice of an NHWC tensor is
 * one row, not one row per pixel.
 */
export function packBox(axes: BoxAxis[]): Int32Array {
  const merged: BoxAxis[] = [{ ...axes[axes.length - 1] }];
  for (let d = axes.length - 2; d >= 0; d--) {
    const inner = merged[0];
    const whole = inner.size === inner.srcShape && inner.size === inner.dstShape;
    if (!whole) {
      merged.unshift({ ...axes[d] });
      continue;
    }
    const a = axes[d];
    merged[0] = {
      srcShape: a.srcShape * inner.srcShape,
      srcBegin: a.srcBegin * inner.srcShape,
      dstShape: a.dstShape * inner.dstShape,
      dstBegin: a.dstBegin * inner.dstShape,
      size: a.size * inner.size,
    };
  }
  const parts: (keyof BoxAxis)[] = ['srcShape', 'srcBegin', 'dstShape', 'dstBegin', 'size'];
  return Int32Array.from([merged.length, ...parts.flatMap((p) => merged.map((a) => a[p]))]);
}

/** {@link BoxCopy} in JavaScript: one `set` per row of the innermost axis. */
export function copyBoxInJavaScript(src: Float32Array, dst: Float32Array, box: Int32Array): void {
  const rank = box[0];
  const part = (p: number, d: number) => box[1 + p * rank + d];
  const [SRC_SHAPE, SRC_BEGIN, DST_SHAPE, DST_BEGIN, SIZE] = [0, 1, 2, 3, 4];
  const srcStride = new Array<number>(rank).fill(1);
  const dstStride = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) {
    srcStride[d] = srcStride[d + 1] * part(SRC_SHAPE, d + 1);
    dstStride[d] = dstStride[d + 1] * part(DST_SHAPE, d + 1);
  }
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= part(SIZE, d);
  const rowLength = part(SIZE, rank - 1);
  for (let r = 0; r < rows; r++) {
    let srcAt = part(SRC_BEGIN, rank - 1);
    let dstAt = part(DST_BEGIN, rank - 1);
    for (let d = rank - 2, rest = r; d >= 0; d--) {
      const i = rest % part(SIZE, d);
      rest = Math.floor(rest / part(SIZE, d));
      srcAt += (part(SRC_BEGIN, d) + i) * srcStride[d];
      dstAt += (part(DST_BEGIN, d) + i) * dstStride[d];
    }
    dst.set(src.subarray(srcAt, srcAt + rowLength), dstAt);
  }
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

const copyable = (t: tf.TensorInfo) =>
  t.dtype === 'float32' && t.shape.length > 0 && tf.util.sizeFromShape(t.shape) > 0;

/** Boxes of `x` written to new tensors, allocated before any view is taken. */
function sliceInto(
  backend: WasmHeapBackend,
  copy: BoxCopy,
  x: tf.TensorInfo,
  boxes: { begin: number[]; size: number[] }[],
): tf.TensorInfo[] {
  const outs = boxes.map(({ size }) => backend.makeOutput(size, 'float32'));
  const src = backend.typedArrayFromHeap(x);
  boxes.forEach(({ begin, size }, i) => {
    const axes = size.map((s, d) => ({
      srcShape: x.shape[d],
      srcBegin: begin[d],
      dstShape: s,
      dstBegin: 0,
      size: s,
    }));
    copy(src, backend.typedArrayFromHeap(outs[i]), packBox(axes));
  });
  return outs;
}

function sliceKernel(args: KernelArgs, copy: BoxCopy, fallback: tf.KernelFunc) {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
  const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  if (!copyable(x) || s.some((n) => n === 0)) return fallback(args);
  if (tf.util.arraysEqual(s, x.shape)) return sharedData(args.backend, x);
  return sliceInto(args.backend as WasmHeapBackend, copy, x, [{ begin: b, size: s }])[0];
}

function splitVKernel(args: KernelArgs, copy: BoxCopy, fallback: tf.KernelFunc) {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
  const a = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, a);
  if (!copyable(x) || sizes.some((n) => n === 0)) return fallback(args);
  let at = 0;
  const boxes = sizes.map((n) => {
    const begin = x.shape.map((_, d) => (d === a ? at : 0));
    const size = x.shape.map((extent, d) => (d === a ? n : extent));
    at += n;
    return { begin, size };
  });
  return sliceInto(args.backend as WasmHeapBackend, copy, x, boxes);
}

function concatKernel(args: KernelArgs, copy: BoxCopy, fallback: tf.KernelFunc) {
  const inputs = (args.inputs as unknown as tf.TensorInfo[]).filter(
    (t) => tf.util.sizeFromShape(t.shape) > 0,
  );
  if (inputs.length === 0 || !inputs.every(copyable)) return fallback(args);
  const { axis } = args.attrs as unknown as tf.ConcatAttrs;
  const a = tf.util.parseAxisParam(axis, inputs[0].shape)[0];
  const shapes = inputs.map((t) => t.shape);
  tf.backend_util.assertParamsConsistent(shapes, a);
  if (inputs.length === 1) return sharedData(args.backend, inputs[0]);
  const outShape = tf.backend_util.computeOutShape(shapes, a);
  const backend = args.backend as WasmHeapBackend;
  const out = backend.makeOutput(outShape, 'float32');
  const dst = backend.typedArrayFromHeap(out);
  let at = 0;
  for (const t of inputs) {
    const axes = t.shape.map((extent, d) => ({
      srcShape: extent,
      srcBegin: 0,
      dstShape: outShape[d],
      dstBegin: d === a ? at : 0,
      size: extent,
    }));
    copy(backend.typedArrayFromHeap(t), dst, packBox(axes));
    at += t.shape[a];
  }
  return out;
}

/** The kernels built here. */
export const BOX_COPY_KERNELS = ['Slice', 'SplitV', 'Concat'] as const;

const KERNEL_FUNCS = { Slice: sliceKernel, SplitV: splitVKernel, Concat: concatKernel };

/**
 * Configs of {@link BOX_COPY_KERNELS} for `backendName`, copying with `copy`;
 * each falls back to `fallbacks[name]`.
 */
export function boxCopyKernelConfigs(
  backendName: string,
  fallbacks: Record<(typeof BOX_COPY_KERNELS)[number], tf.KernelFunc>,
  copy: BoxCopy,
): tf.KernelConfig[] {
  return BOX_COPY_KERNELS.map((kernelName) => ({
    kernelName,
    backendName,
    kernelFunc: (args) => KERNEL_FUNCS[kernelName](args, copy, fallbacks[kernelName]),
  }));
}
