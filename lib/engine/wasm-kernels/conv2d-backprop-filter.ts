/**
 * `Conv2DBackpropFilter` (the gradient of a 2-D convolution with respect to its
 * filter) for wasm, which lacks it, as one matrix product per group of images.
 *
 * For x `[B, H, W, Cin]`, dy `[B, OH, OW, Cout]`, strides (sh, sw) and padding p:
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} xp[b, oh·sh + kh, ow·sw + kw, ci] · dy[b, oh, ow, co]
 * where xp is x padded by p: the product colsᵀ `[K, N]` × dy `[N, Cout]`,
 * K = KH·KW·Cin, N = B·OH·OW, whose result is already dW's layout. colsᵀ (the
 * input patches, transposed) is written by JavaScript straight into the wasm
 * heap ({@link writeTransposedPatches}, or, for 'same' padding on sizes the
 * strides divide, block copies of x's phase planes, {@link writeShiftedPlanes});
 * XNNPACK runs the product.
 *
 * colsᵀ holds KH·KW values per input value, so images go in groups whose
 * patches stay under {@link MAX_PATCH_VALUES}; the groups' products are summed.
 *
 * The product with colsᵀ built beforehand runs near the speed of the forward
 * convolution of the same size, faster than reading the batch as channels (a
 * 'valid' convolution of xpᵀ `[Cin, Hp, Wp, B]` with dyᵀ `[OH, OW, B, Cout]`,
 * strides as dilations, plus three transposes); docs/engines.md, *Why each
 * kernel*, has the measurements. (tfjs does not differentiate dilated
 * `Conv2D`, so the forward dilation is 1.)
 */
import * as tf from '@tensorflow/tfjs';
import { WasmHeapBackend } from '../wasm-heap';
import { KernelCalls } from './kernel-calls';

type Info = tf.TensorInfo;

/** Most values of colsᵀ per matrix product (16 MB of float32). */
export const MAX_PATCH_VALUES = 1 << 22;

/** Images per matrix product: as many as keep colsᵀ under {@link MAX_PATCH_VALUES} (at least one). */
export function imagesPerProduct(info: tf.backend_util.Conv2DInfo): number {
  const perImage =
    info.filterHeight * info.filterWidth * info.inChannels * info.outHeight * info.outWidth;
  return Math.max(1, Math.min(info.batchSize, Math.floor(MAX_PATCH_VALUES / perImage)));
}

/**
 * Writes colsᵀ of images [first, first + count) into `out` `[K, n]`,
 * n = count·OH·OW: row (kh, kw, ci), column (b, oh, ow) holds
 * xp[first + b, oh·sh + kh, ow·sw + kw, ci] (0 in the padding). Per tap and
 * output row, the Cin rows are filled from one row of x, which stays in cache.
 */
function writeTransposedPatches(
  x: Float32Array,
  out: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  first: number,
  count: number,
): void {
  const {
    inHeight: h,
    inWidth: w,
    inChannels: cin,
    filterHeight: kh,
    filterWidth: kw,
    strideHeight: sh,
    strideWidth: sw,
    outHeight: oh,
    outWidth: ow,
  } = info;
  const { top, left } = info.padInfo;
  const n = count * oh * ow;
  const step = sw * cin;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      // Output columns [z0, z1) read inside x for this tap; the others read padding.
      let z0 = 0;
      while (z0 < ow && z0 * sw + j - left < 0) z0++;
      let z1 = ow;
      while (z1 > z0 && (z1 - 1) * sw + j - left >= w) z1--;
      const tapRows = (i * kw + j) * cin * n;
      for (let b = 0; b < count; b++) {
        for (let y = 0; y < oh; y++) {
          const column = (b * oh + y) * ow;
          const iy = y * sh + i - top;
          const inside = iy >= 0 && iy < h;
          const from = ((first + b) * h + iy) * w * cin + (z0 * sw + j - left) * cin;
          for (let ci = 0; ci < cin; ci++) {
            const to = tapRows + ci * n + column;
            if (!inside) {
              out.fill(0, to, to + ow);
              continue;
            }
            if (z0 > 0) out.fill(0, to, to + z0);
            if (z1 < ow) out.fill(0, to + z1, to + ow);
            for (let z = z0, src = from + ci; z < z1; z++, src += step) out[to + z] = x[src];
          }
        }
      }
    }
  }
}

/**
 * Whether each row of colsᵀ is a shifted phase plane of x: the output is the
 * input divided by the strides ('same' padding, sizes divisible by the strides).
 */
export function usesPhasePlanes(info: tf.backend_util.Conv2DInfo): boolean {
  const {
    inHeight: h,
    inWidth: w,
    strideHeight: sh,
    strideWidth: sw,
    outHeight: oh,
    outWidth: ow,
  } = info;
  return h % sh === 0 && w % sw === 0 && oh === h / sh && ow === w / sw;
}

/**
 * x's phase planes `[sh, sw, Cin, B·OH·OW]`: plane (φh, φw, ci) holds
 * x[b, oh·sh + φh, ow·sw + φw, ci] over (b, oh, ow), by two rank-4 transposes
 * (a single rank-6 one is far slower on wasm); for stride 1, x's channel planes.
 */
function phasePlanes(calls: KernelCalls, x: Info, info: tf.backend_util.Conv2DInfo): Info {
  const {
    batchSize: b,
    inChannels: cin,
    strideHeight: sh,
    strideWidth: sw,
    outHeight: oh,
    outWidth: ow,
  } = info;
  if (sh === 1 && sw === 1) return calls.transpose(x, [3, 0, 1, 2]);
  // [B·OH, sh, OW, sw·Cin] → [sh, B·OH, OW, sw·Cin] = [sh, B·OH·OW, sw, Cin] → [sh, sw, Cin, B·OH·OW]
  const rowsFirst = calls.transpose(calls.reshape(x, [b * oh, sh, ow, sw * cin]), [1, 0, 2, 3]);
  return calls.transpose(calls.reshape(rowsFirst, [sh, b * oh * ow, sw, cin]), [0, 2, 3, 1]);
}

/** Floor division and its non-negative remainder. */
function divide(a: number, s: number): [number, number] {
  const q = Math.floor(a / s);
  return [q, a - q * s];
}

/**
 * colsᵀ as {@link writeTransposedPatches} writes it, for {@link usesPhasePlanes}
 * convolutions, from x's {@link phasePlanes}: tap (kh, kw) reads at
 * (oh·sh + kh − p_top, ow·sw + kw − p_left), i.e. phase ((kh − p_top) mod sh, …)
 * shifted by (⌊(kh − p_top) / sh⌋, …) planes rows and columns, so each row of
 * colsᵀ is one block copy of a plane, then the values shifted across an
 * image's border (those that read padding) are zeroed. On the residual net's
 * 3×3 stride-1 convolutions (4×4 to 32×32) 2–3× faster than the pixel loop.
 */
function writeShiftedPlanes(
  planes: Float32Array,
  out: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  first: number,
  count: number,
): void {
  const {
    batchSize,
    inChannels: cin,
    filterHeight: kh,
    filterWidth: kw,
    strideHeight: sh,
    strideWidth: sw,
    outHeight: h,
    outWidth: w,
  } = info;
  const { top, left } = info.padInfo;
  const plane = h * w;
  const n = count * plane;
  // One view of the whole heap, so that copies between the two tensors are copyWithin (no clone of the source).
  const heap = new Float32Array(out.buffer);
  const outAt = out.byteOffset / 4;
  const planesAt = planes.byteOffset / 4 + first * plane;
  for (let i = 0; i < kh; i++) {
    const [dy, ph] = divide(i - top, sh);
    for (let j = 0; j < kw; j++) {
      const [dx, pw] = divide(j - left, sw);
      const shift = dy * w + dx;
      for (let ci = 0; ci < cin; ci++) {
        const row = outAt + ((i * kw + j) * cin + ci) * n;
        const src = planesAt + ((ph * sw + pw) * cin + ci) * batchSize * plane;
        const from = Math.max(0, -shift);
        const to = Math.min(n, n - shift);
        heap.copyWithin(row + from, src + from + shift, src + to + shift);
        heap.fill(0, row, row + from);
        heap.fill(0, row + to, row + n);
        for (let image = row; image < row + n; image += plane) {
          for (let k = image; k < image - dy * w; k++) heap[k] = 0;
          for (let k = image + (h - dy) * w; k < image + plane; k++) heap[k] = 0;
          for (let r = image; r < image + plane; r += w) {
            for (let k = 0; k < -dx; k++) heap[r + k] = 0;
            for (let k = w - dx; k < w; k++) heap[r + k] = 0;
          }
        }
      }
    }
  }
}

function backpropFilter(
  calls: KernelCalls,
  backend: WasmHeapBackend,
  x: Info,
  dy: Info,
  info: tf.backend_util.Conv2DInfo,
  filterShape: number[],
): Info {
  const { batchSize, outHeight: oh, outWidth: ow, outChannels: cout } = info;
  const fanIn = info.filterHeight * info.filterWidth * info.inChannels;
  const planes = usesPhasePlanes(info) ? phasePlanes(calls, x, info) : undefined;
  const group = imagesPerProduct(info);
  let sum: Info | undefined;
  for (let first = 0; first < batchSize; first += group) {
    const count = Math.min(group, batchSize - first);
    const n = count * oh * ow;
    const cols = calls.adopt(backend.makeOutput([1, fanIn, n], 'float32'));
    // Views after the allocation, which may grow (and detach) the heap.
    const colsView = backend.typedArrayFromHeap(cols);
    if (planes)
      writeShiftedPlanes(backend.typedArrayFromHeap(planes), colsView, info, first, count);
    else writeTransposedPatches(backend.typedArrayFromHeap(x), colsView, info, first, count);
    const dyGroup =
      count === batchSize
        ? dy
        : calls.run('Slice', { x: dy }, { begin: [first, 0, 0, 0], size: [count, oh, ow, cout] });
    const product = calls.run(
      'BatchMatMul',
      { a: cols, b: calls.reshape(dyGroup, [1, n, cout]) },
      { transposeA: false, transposeB: false },
    );
    sum = sum === undefined ? product : calls.run('Add', { a: sum, b: product });
  }
  return calls.reshape(sum!, filterShape);
}

export function conv2dBackpropFilterConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: Info; dy: Info };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
        attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      if (dataFormat === 'NCHW')
        throw new Error(`Conv2DBackpropFilter on ${backendName}: only NHWC data is supported`);
      if (x.dtype !== 'float32' || dy.dtype !== 'float32')
        throw new Error(
          `Conv2DBackpropFilter on ${backendName}: expected float32 tensors, got ${x.dtype} and ${dy.dtype}`,
        );
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
      );
      const calls = new KernelCalls(backend as tf.KernelBackend, backendName);
      return calls.finish(
        backpropFilter(calls, backend as WasmHeapBackend, x, dy, info, filterShape),
      );
    },
  };
}
