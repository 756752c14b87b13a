/**
 * `Conv2DBackpropInput` (the gradient of a 2-D convolution with respect to its
 * input, and the forward pass of a transposed convolution) through forward
 * `Conv2D`, which XNNPACK runs far faster than wasm's own backprop kernel.
 *
 * For dy `[B, OH, OW, Cout]`, filter W `[KH, KW, Cin, Cout]`, strides (sh, sw), padding p:
 *   dx[b, h, w, ci] = Σ_{kh, kw, co : oh·sh + kh − p_top = h, ow·sw + kw − p_left = w} dy[b, oh, ow, co] · W[kh, kw, ci, co]
 *
 * The output rows h = sh·i + φh of one phase φh only meet the filter rows
 * kh ≡ φh + p_top (mod sh), and likewise for columns, so each of the sh·sw
 * phases is a stride-1 convolution of dy with that phase's taps, flipped in
 * space and with the channel axes swapped. The phases run as separate
 * convolutions (together exactly the forward pass's multiply-adds), are
 * stacked along a leading axis (plain copies) and interleaved by two
 * transposes that move blocks of Cin and of C·sw·Cin values. Stride 1 is the
 * one-phase case: one convolution and nothing else. dy's padding is the
 * convolution's own (no copy); only a negative amount (a crop) is a `Slice`.
 *
 * Separate phases beat one convolution over a common window of taps (which
 * does 16/9 of the multiply-adds for 3×3 at stride 2); stacking the phases
 * along the channel axis instead would cost a JavaScript copy per pixel
 * (wasm's `Concat`), and one rank-6 transpose was slower than the two.
 *
 * Each phase's filter is written in JavaScript in one pass over the small
 * filter: built from wasm's StridedSlice, Reverse, Transpose and PadV2 it cost
 * more than the convolution. The measurements: docs/engines.md, *Why each kernel*.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernel-calls';

type Info = tf.TensorInfo;

/** One axis of one phase: which taps it meets and which rows of dy they read. */
interface PhaseAxis {
  /** First tap of the phase (its taps are first, first + s, ...). */
  first: number;
  /** Number of taps (0 when the filter is smaller than the stride). */
  taps: number;
  /** Output row i of the phase reads dy rows i + shift − taps + 1 ... i + shift. */
  shift: number;
}

function phaseAxis(phase: number, stride: number, kernel: number, padBefore: number): PhaseAxis {
  const first = (phase + padBefore) % stride;
  const taps = first < kernel ? Math.ceil((kernel - first) / stride) : 0;
  return { first, taps, shift: Math.floor((phase + padBefore) / stride) };
}

/**
 * One phase's filter `[rows.taps, cols.taps, Cout, Cin]`: tap (a, b) of the
 * phase, filter entry (rows.first + sh·a, cols.first + sw·b), goes to
 * (rows.taps − 1 − a, cols.taps − 1 − b) (flipped), with its channel axes swapped.
 */
function phaseFilter(
  w: Float32Array,
  [, kw, cin, cout]: number[],
  [sh, sw]: number[],
  rows: PhaseAxis,
  cols: PhaseAxis,
): Float32Array {
  const out = new Float32Array(rows.taps * cols.taps * cout * cin);
  for (let a = 0; a < rows.taps; a++) {
    const fh = rows.first + sh * a;
    for (let b = 0; b < cols.taps; b++) {
      const fw = cols.first + sw * b;
      const to0 = ((rows.taps - 1 - a) * cols.taps + (cols.taps - 1 - b)) * cout * cin;
      for (let ci = 0; ci < cin; ci++) {
        const from = ((fh * kw + fw) * cin + ci) * cout;
        let to = to0 + ci;
        for (let co = 0; co < cout; co++, to += cin) out[to] = w[from + co];
      }
    }
  }
  return out;
}

/**
 * The phase's outputs `[B, R, C, Cin]` (R = ⌈H / sh⌉, C = ⌈W / sw⌉): output
 * row i reads dy rows i + shift − taps + 1 … i + shift, i.e. a stride-1
 * 'valid' convolution of dy padded by taps − 1 − shift on top and
 * R + shift − OH below (and likewise for columns). Zeros for a phase without taps.
 */
function phaseOutput(
  calls: KernelCalls,
  dy: Info,
  weights: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  rows: PhaseAxis,
  cols: PhaseAxis,
  [r, c]: number[],
): Info {
  const {
    batchSize: b,
    inChannels: cin,
    outChannels: cout,
    filterHeight: kh,
    filterWidth: kw,
    strideHeight: sh,
    strideWidth: sw,
  } = info;
  if (rows.taps === 0 || cols.taps === 0) return calls.zeros([b, r, c, cin]);
  const filter = calls.write(phaseFilter(weights, [kh, kw, cin, cout], [sh, sw], rows, cols), [
    rows.taps,
    cols.taps,
    cout,
    cin,
  ]);
  const [, oh, ow] = dy.shape;
  return calls.conv2dPadded(dy, filter, [
    [rows.taps - 1 - rows.shift, r + rows.shift - oh],
    [cols.taps - 1 - cols.shift, c + cols.shift - ow],
  ]);
}

function backpropInput(
  calls: KernelCalls,
  dy: Info,
  filter: Info,
  info: tf.backend_util.Conv2DInfo,
): Info {
  const {
    filterHeight: kh,
    filterWidth: kw,
    inHeight: h,
    inWidth: w,
    inChannels: cin,
    batchSize: b,
    strideHeight: sh,
    strideWidth: sw,
  } = info;
  const rowsOf = Array.from({ length: sh }, (_, p) => phaseAxis(p, sh, kh, info.padInfo.top));
  const colsOf = Array.from({ length: sw }, (_, p) => phaseAxis(p, sw, kw, info.padInfo.left));
  const r = Math.ceil(h / sh);
  const c = Math.ceil(w / sw);
  const weights = calls.readFloats(filter);
  const phases = rowsOf.flatMap((rows) =>
    colsOf.map((cols) => phaseOutput(calls, dy, weights, info, rows, cols, [r, c])),
  );
  if (phases.length === 1) return phases[0];
  // [sh, sw, B·R·C, Cin] → [sh, B·R·C, sw, Cin] = [sh, B·R, C·sw·Cin] → [B·R, sh, C·sw·Cin] = [B, R·sh, C·sw, Cin].
  const stacked = calls.reshape(
    calls.run(
      'Concat',
      phases.map((p) => calls.reshape(p, [1, b * r * c * cin])),
      { axis: 0 },
    ),
    [sh, sw, b * r * c, cin],
  );
  const columnsInterleaved = calls.reshape(calls.transpose(stacked, [0, 2, 1, 3]), [
    sh,
    b * r,
    c * sw * cin,
  ]);
  const interleaved = calls.reshape(calls.transpose(columnsInterleaved, [1, 0, 2]), [
    b,
    r * sh,
    c * sw,
    cin,
  ]);
  return r * sh === h && c * sw === w
    ? interleaved
    : calls.padOrCrop(interleaved, [
        [0, h - r * sh],
        [0, w - c * sw],
      ]);
}

export function conv2dBackpropInputConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: Info; filter: Info };
      const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
        attrs as unknown as tf.Conv2DBackpropInputAttrs;
      if (dataFormat === 'NCHW')
        throw new Error(`Conv2DBackpropInput on ${backendName}: only NHWC data is supported`);
      const info = tf.backend_util.computeConv2DInfo(
        inputShape,
        filter.shape as [number, number, number, number],
        strides,
        1,
        pad,
        dimRoundingMode,
      );
      const calls = new KernelCalls(backend as tf.KernelBackend, backendName);
      return calls.finish(backpropInput(calls, dy, filter, info));
    },
  };
}
