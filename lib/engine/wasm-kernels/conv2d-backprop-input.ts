/**
 * `Conv2DBackpropInput` (the gradient of a 2-D convolution with respect to its
 * input, and the forward pass of a transposed convolution) through forward
 * `Conv2D`, which XNNPACK runs far faster than wasm's own backprop kernel.
 *
 * For dy `[B, OH, OW, Cout]`, filter W `[KH, KW, Cin, Cout]`, stride s, padding p:
 *   dx[b, h, w, ci] = Σ_{kh, kw, co : oh·s + kh − p_top = h, ow·s + kw − p_left = w} dy[b, oh, ow, co] · W[kh, kw, ci, co]
 *
 * Stride 1: with the filter flipped in space and its channel axes swapped,
 * W'[kh, kw, co, ci] = W[KH−1−kh, KW−1−kw, ci, co], dx is one 'valid'
 * convolution of dy padded by KH−1−p_top on top (and so that dx has H rows).
 *
 * Stride s > 1 (equal in both axes): the output pixels h = s·i + φ of one
 * phase φ only meet the taps kh ≡ φ + p_top (mod s), so each of the s² phases
 * is a stride-1 convolution of dy with that phase's sub-filter; all phases
 * run as one convolution and a transpose interleaves them. For 3×3 filters
 * at stride 2 that costs 16/9 of the forward pass, where inserting s − 1
 * zeros between dy's pixels would cost s² = 4 times. Unequal strides use that
 * zero insertion, then the stride-1 case (which is the one-phase case of the
 * same code).
 *
 * The flipped (phase) filter is written in JavaScript in one pass over the
 * small filter. Built from wasm's StridedSlice, Reverse, Transpose, PadV2 and
 * Concat it cost more than the convolution: 3×3×64→128 at stride 2, batch 64
 * on 8×8: 75 → 41 ms per call (busy machine).
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

/** Rows of dy, relative to output row i of a phase, that a convolution reads: start, start + 1, …, start + size − 1. */
interface TapWindow {
  start: number;
  size: number;
}

/** The window of dy rows, relative to output row i, that covers every phase's taps. */
function commonWindow(axes: PhaseAxis[]): TapWindow {
  const used = axes.filter((a) => a.taps > 0);
  const start = Math.min(...used.map((a) => a.shift - a.taps + 1));
  const end = Math.max(...used.map((a) => a.shift));
  return { start, size: end - start + 1 };
}

/**
 * The combined filter of {@link phaseDecomposed}, `[RW, CW, Cout, s²·Cin]`:
 * channel block (φh·s + φw) holds phase (φh, φw)'s taps, flipped, with its
 * channel axes swapped, at the rows and columns of the common window where
 * that phase reads dy; every other entry is 0. Written in one JavaScript pass
 * over the (small) filter: building it from wasm's StridedSlice, Reverse,
 * Transpose, PadV2 and Concat cost more than the convolution itself.
 */
function phaseFilter(
  w: Float32Array, [, kw, cin, cout]: number[], s: number,
  rowsOf: PhaseAxis[], colsOf: PhaseAxis[], rowWindow: TapWindow, colWindow: TapWindow,
): Float32Array {
  const channels = s * s * cin;
  const out = new Float32Array(rowWindow.size * colWindow.size * cout * channels);
  rowsOf.forEach((y, py) => {
    const top = y.shift - y.taps + 1 - rowWindow.start;
    colsOf.forEach((x, px) => {
      const left = x.shift - x.taps + 1 - colWindow.start;
      const block = (py * s + px) * cin;
      for (let a = 0; a < y.taps; a++) {
        const r = top + y.taps - 1 - a;
        const fh = y.first + s * a;
        for (let b = 0; b < x.taps; b++) {
          const c = left + x.taps - 1 - b;
          const fw = x.first + s * b;
          for (let ci = 0; ci < cin; ci++) {
            const from = ((fh * kw + fw) * cin + ci) * cout;
            let to = (r * colWindow.size + c) * cout * channels + block + ci;
            for (let co = 0; co < cout; co++, to += channels) out[to] = w[from + co];
          }
        }
      }
    });
  });
  return out;
}

/**
 * Equal strides s ≥ 1 in both axes: all s² phases in ONE convolution. Each phase's
 * sub-filter (flipped, channels swapped) is placed in a common window of taps
 * so that every phase reads the same rows of dy; stacked along the output
 * channels they form a `[T, T, Cout, s²·Cin]` filter ({@link phaseFilter}).
 * The output `[B, R, C, (φh, φw, ci)]` is then interleaved into
 * `[B, R·s, C·s, Cin]` by one rank-4 transpose (none for s = 1).
 */
function phaseDecomposed(calls: KernelCalls, dy: Info, filter: Info, info: tf.backend_util.Conv2DInfo, s: number): Info {
  const { filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w, inChannels: cin, outChannels: cout, batchSize: b } = info;
  const rowsOf = Array.from({ length: s }, (_, p) => phaseAxis(p, s, kh, info.padInfo.top));
  const colsOf = Array.from({ length: s }, (_, p) => phaseAxis(p, s, kw, info.padInfo.left));
  const rowWindow = commonWindow(rowsOf);
  const colWindow = commonWindow(colsOf);
  const weights = calls.readFloats(filter);
  const combined = calls.write(phaseFilter(weights, [kh, kw, cin, cout], s, rowsOf, colsOf, rowWindow, colWindow), [rowWindow.size, colWindow.size, cout, s * s * cin]);
  const rows = Math.ceil(h / s);
  const cols = Math.ceil(w / s);
  const padded = calls.padOrCrop(dy, [
    [-rowWindow.start, rows + rowWindow.size - 1 + rowWindow.start - dy.shape[1]],
    [-colWindow.start, cols + colWindow.size - 1 + colWindow.start - dy.shape[2]],
  ]);
  const phases = calls.run('Conv2D', { x: padded, filter: combined }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
  const interleaved = s === 1 ? phases
    : calls.reshape(calls.transpose(calls.reshape(phases, [b * rows, cols, s, s * cin]), [0, 2, 1, 3]), [b, rows * s, cols * s, cin]);
  return rows * s === h && cols * s === w ? interleaved : calls.padOrCrop(interleaved, [[0, h - rows * s], [0, w - cols * s]]);
}

export function conv2dBackpropInputConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: Info; filter: Info };
      const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
      if (dataFormat === 'NCHW') throw new Error(`Conv2DBackpropInput on ${backendName}: only NHWC data is supported`);
      const info = tf.backend_util.computeConv2DInfo(
        inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
      const calls = new KernelCalls(backend as tf.KernelBackend, backendName);
      const { strideHeight: sh, strideWidth: sw } = info;
      if (sh === sw) return calls.finish(phaseDecomposed(calls, dy, filter, info, sh));
      // Unequal strides: zeros inserted between dy's pixels make it the stride-1 case.
      return calls.finish(phaseDecomposed(calls, calls.dilateSpatial(dy, [sh, sw]), filter, info, 1));
    },
  };
}
