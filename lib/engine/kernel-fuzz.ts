/**
 * A seeded fuzzer of the engine's kernels: random convolutions (sizes 1–67,
 * batch 1–5, channels 1–33, kernels 1–7, strides 1–4 including unequal ones,
 * dilations, 'same'/'valid'/explicit padding, every fused activation, with
 * and without bias), their gradients, depthwise convolutions and their
 * gradients, max pools and their gradients, sums over leading axes, Adam
 * steps, slices, splits and concatenations (ranks 1–5, any axis) and ReLU
 * gradients (zeros, NaNs and negative zeros included), the range checks'
 * value summaries and Gaussian blurs (radii beyond the image included), each run through tfjs's public ops (so the inputs reach the kernels
 * through tfjs's own fused-op rewrites and gradient code) on the current
 * backend and on the pure-JavaScript `cpu` backend, and compared.
 *
 * A case is a pure function of the seed and its index, so a failure is
 * re-run alone with `--seed S --from I --cases 1`.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../core/random';
import { ADAM_UPDATE, AdamUpdateAttrs } from './adam-update';
import { valueSummary } from './value-summary';
import { gaussianBlur } from '../image/gaussian-blur';

/** The kinds of case, named after the kernels they reach. */
export const FUZZ_KINDS = [
  'Conv2D',
  'FusedConv2D',
  'Conv2DGradients',
  'FusedConv2DGradients',
  'DepthwiseGradients',
  'MaxPoolGrad',
  'Sum',
  'AdamUpdate',
  'SliceSplitConcat',
  'ReluGradient',
  'ValueSummary',
  'GaussianBlur',
] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

/** Activations of tfjs's fused convolution (`prelu` reaches the kit's fall-back path). */
const ACTIVATIONS = ['linear', 'relu', 'relu6', 'leakyrelu', 'elu', 'sigmoid', 'prelu'] as const;

/** Where each activation's derivative jumps. */
const KINKS: Partial<Record<(typeof ACTIVATIONS)[number], number[]>> = {
  relu: [0],
  relu6: [0, 6],
  leakyrelu: [0],
  prelu: [0],
};

/** How many values lie on different sides of a kink in `a` and `b` (a value on a kink counts as below it, as tfjs's step does). */
function kinkCrossings(a: Float32Array, b: Float32Array, kinks: number[]): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (kinks.some((k) => a[i] > k !== b[i] > k)) n++;
  return n;
}

/** The largest multiply-adds a case may cost on the cpu backend, to keep thousands of cases within minutes. */
const MAX_WORK = 4e6;

type Pad =
  'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** One random case: its kind, its parameters (for the report) and how to run it. */
export interface FuzzCase {
  index: number;
  kind: FuzzKind;
  params: Record<string, unknown>;
  /** Runs the case on the current backend; returns its outputs as plain arrays (no tensor survives). */
  run(): Float32Array[];
  /**
   * For a gradient through an activation with kinks (ReLU at 0, ReLU6 at 0
   * and 6): the kinks and the pre-activations on the current backend. Where
   * a pre-activation lies on different sides of a kink on the two backends
   * (float sums in another order), the gradients differ by design.
   */
  kinks?: { at: number[]; preActivations(): Float32Array };
}

/** What one case gave. */
export interface FuzzResult {
  index: number;
  kind: FuzzKind;
  params: Record<string, unknown>;
  /** max |engine − cpu| / max |cpu| over the outputs (0 when both are all zero). */
  relativeError: number;
  /** The error the engine threw, when it threw and cpu did not. */
  error?: string;
  /** Pre-activations on different sides of a kink on the engine and on cpu (see {@link FuzzCase.kinks}); absent when none. */
  kinkCrossings?: number;
}

/**
 * Whether a result is a failure at `tolerance`: the engine alone threw, or
 * its outputs differ from cpu's by more, with no pre-activation on another
 * side of a kink (where the gradients differ by design).
 */
export function isFuzzFailure(r: FuzzResult, tolerance: number): boolean {
  if (r.error?.startsWith('both threw')) return false;
  return !(r.relativeError <= tolerance) && !(r.error === undefined && (r.kinkCrossings ?? 0) > 0);
}

const outSize = (n: number, k: number, s: number, d: number, pad: 'same' | 'valid') =>
  pad === 'same' ? Math.ceil(n / s) : Math.floor((n - (k - 1) * d - 1) / s) + 1;

function pick<T>(r: Random, options: readonly T[]): T {
  return options[r.int(0, options.length)];
}

/** Sizes 1–67, most of them small (the cpu backend is slow), some large. */
function size(r: Random): number {
  return r.uniform() < 0.7 ? r.int(1, 17) : r.int(1, 68);
}

function values(r: Random, n: number, ties = false): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = ties ? Math.round(r.uniform() * 3) : r.uniform() * 2 - 1;
  return out;
}

/** A convolution's geometry; undefined when the random draw has no valid output or costs too much. */
function convGeometry(r: Random, options: { gradients: boolean; depthwise: boolean }) {
  const batch = r.int(1, 6);
  const [h, w] = [size(r), size(r)];
  const cin = r.int(1, 34);
  const cout = options.depthwise ? r.int(1, 3) : r.int(1, 34);
  const [kh, kw] = r.uniform() < 0.3 ? [r.int(1, 8), r.int(1, 8)] : Array(2).fill(r.int(1, 8));
  const unequal = r.uniform() < 0.25;
  const stride = r.int(1, 5);
  const strides: [number, number] = unequal ? [stride, r.int(1, 5)] : [stride, stride];
  // tfjs takes dilations only at stride 1 and has no gradient for them (depthwise: square ones only).
  const dilated = !options.gradients && strides[0] === 1 && strides[1] === 1 && r.uniform() < 0.4;
  const dilations: [number, number] = dilated
    ? options.depthwise
      ? (Array(2).fill(r.int(2, 4)) as [number, number])
      : [r.int(1, 4), r.int(1, 4)]
    : [1, 1];
  const padKind = pick(r, ['same', 'valid', 'explicit'] as const);
  // Depthwise convolutions take explicit padding only through the fused op; keep them to same/valid.
  const pad: Pad =
    padKind === 'explicit' && !options.depthwise
      ? [
          [0, 0],
          [r.int(0, kh), r.int(0, kh)],
          [r.int(0, kw), r.int(0, kw)],
          [0, 0],
        ]
      : padKind === 'explicit'
        ? 'same'
        : padKind;
  const [oh, ow] = Array.isArray(pad)
    ? [
        Math.floor((h + pad[1][0] + pad[1][1] - (kh - 1) * dilations[0] - 1) / strides[0]) + 1,
        Math.floor((w + pad[2][0] + pad[2][1] - (kw - 1) * dilations[1] - 1) / strides[1]) + 1,
      ]
    : [
        outSize(h, kh, strides[0], dilations[0], pad),
        outSize(w, kw, strides[1], dilations[1], pad),
      ];
  if (oh < 1 || ow < 1) return undefined;
  const work = batch * oh * ow * kh * kw * cin * cout * (options.gradients ? 3 : 1);
  if (work > MAX_WORK) return undefined;
  return { batch, h, w, cin, cout, kh, kw, strides, dilations, pad, oh, ow };
}

/** Reads the outputs and disposes them. */
function collect(tensors: tf.Tensor[]): Float32Array[] {
  const out = tensors.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(tensors);
  return out;
}

/** Case `index` of the stream seeded by `seed`; undefined draws are redrawn from the same stream. */
export function fuzzCase(
  seed: number,
  index: number,
  kinds: readonly FuzzKind[] = FUZZ_KINDS,
): FuzzCase {
  const r = new Random(`kernel-fuzz/${seed}/${index}`);
  const kind = kinds[index % kinds.length];
  for (;;) {
    const made = drawCase(r, kind);
    if (made) return { index, kind, ...made };
  }
}

function drawCase(r: Random, kind: FuzzKind): Omit<FuzzCase, 'index' | 'kind'> | undefined {
  switch (kind) {
    case 'Conv2D':
    case 'FusedConv2D':
    case 'Conv2DGradients':
    case 'FusedConv2DGradients': {
      const gradients = kind.endsWith('Gradients');
      const fused = kind.startsWith('Fused');
      const g = convGeometry(r, { gradients, depthwise: false });
      if (!g) return undefined;
      const activation = fused ? pick(r, ACTIVATIONS) : 'linear';
      const withBias = fused && r.uniform() < 0.7;
      const x = values(r, g.batch * g.h * g.w * g.cin);
      const filter = values(r, g.kh * g.kw * g.cin * g.cout);
      const bias = values(r, g.cout);
      const alpha = values(r, g.cout);
      const dyValues = values(r, g.batch * g.oh * g.ow * g.cout);
      const params = { ...g, activation, bias: withBias, leakyreluAlpha: 0.3 };
      const kinks = gradients ? KINKS[activation] : undefined;
      const conv = (xt: tf.Tensor4D, ft: tf.Tensor4D): tf.Tensor4D =>
        fused
          ? tf.fused.conv2d({
              x: xt,
              filter: ft,
              strides: g.strides,
              pad: g.pad,
              dilations: g.dilations,
              activation,
              bias: withBias ? tf.tensor1d(bias) : undefined,
              leakyreluAlpha: 0.3,
              preluActivationWeights: activation === 'prelu' ? tf.tensor1d(alpha) : undefined,
            })
          : tf.conv2d(xt, ft, g.strides, g.pad, 'NHWC', g.dilations);
      return {
        params,
        run: () =>
          tf.tidy(() => {
            const xt = tf.tensor4d(x, [g.batch, g.h, g.w, g.cin]);
            const ft = tf.tensor4d(filter, [g.kh, g.kw, g.cin, g.cout]);
            if (!gradients) return collect([conv(xt, ft)]);
            const dy = tf.tensor4d(dyValues, [g.batch, g.oh, g.ow, g.cout]);
            const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
              tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), dy)),
            )([xt, ft]);
            return collect([dx, df]);
          }),
        kinks: kinks && {
          at: kinks,
          preActivations: () =>
            tf.tidy(() => {
              const xt = tf.tensor4d(x, [g.batch, g.h, g.w, g.cin]);
              const ft = tf.tensor4d(filter, [g.kh, g.kw, g.cin, g.cout]);
              const z = tf.conv2d(xt, ft, g.strides, g.pad, 'NHWC', g.dilations);
              return collect([withBias ? tf.add(z, tf.tensor1d(bias)) : z])[0];
            }),
        },
      };
    }
    case 'DepthwiseGradients': {
      const g = convGeometry(r, { gradients: true, depthwise: true });
      if (!g) return undefined;
      const x = values(r, g.batch * g.h * g.w * g.cin);
      const filter = values(r, g.kh * g.kw * g.cin * g.cout);
      const dyValues = values(r, g.batch * g.oh * g.ow * g.cin * g.cout);
      return {
        params: { ...g, multiplier: g.cout },
        run: () =>
          tf.tidy(() => {
            const xt = tf.tensor4d(x, [g.batch, g.h, g.w, g.cin]);
            const ft = tf.tensor4d(filter, [g.kh, g.kw, g.cin, g.cout]);
            const dy = tf.tensor4d(dyValues, [g.batch, g.oh, g.ow, g.cin * g.cout]);
            const pad = g.pad as 'same' | 'valid';
            const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
              tf.sum(
                tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, g.strides, pad), dy),
              ),
            )([xt, ft]);
            return collect([dx, df]);
          }),
      };
    }
    case 'MaxPoolGrad': {
      const batch = r.int(1, 6);
      const [h, w, c] = [size(r), size(r), r.int(1, 34)];
      const window: [number, number] = [r.int(1, 6), r.int(1, 6)];
      const strides: [number, number] = [r.int(1, 5), r.int(1, 5)];
      const pad = pick(r, ['same', 'valid'] as const);
      const [oh, ow] = [
        outSize(h, window[0], strides[0], 1, pad),
        outSize(w, window[1], strides[1], 1, pad),
      ];
      if (oh < 1 || ow < 1 || batch * oh * ow * c * window[0] * window[1] > MAX_WORK)
        return undefined;
      const ties = r.uniform() < 0.5;
      const x = values(r, batch * h * w * c, ties);
      const dyValues = values(r, batch * oh * ow * c);
      return {
        params: { batch, h, w, c, window, strides, pad, ties },
        run: () =>
          tf.tidy(() => {
            const xt = tf.tensor4d(x, [batch, h, w, c]);
            const dy = tf.tensor4d(dyValues, [batch, oh, ow, c]);
            return collect([
              tf.grad((a: tf.Tensor) =>
                tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, window, strides, pad), dy)),
              )(xt),
            ]);
          }),
      };
    }
    case 'Sum': {
      const rank = r.int(2, 5);
      const shape = Array.from({ length: rank }, () => r.int(1, 18));
      const axes = Array.from({ length: r.int(1, rank) }, (_, i) => i);
      const x = values(
        r,
        shape.reduce((a, b) => a * b, 1),
      );
      return {
        params: { shape, axes },
        run: () => tf.tidy(() => collect([tf.sum(tf.tensor(x, shape), axes)])),
      };
    }
    case 'SliceSplitConcat': {
      const rank = r.int(1, 6);
      const shape = Array.from({ length: rank }, () => r.int(1, 13));
      const axis = r.int(0, rank);
      const begin = shape.map((n) => r.int(0, n));
      const size = shape.map((n, d) => r.int(1, n - begin[d] + 1));
      const pieces = r.int(1, Math.min(4, shape[axis]) + 1);
      const splits = Array.from({ length: pieces - 1 }, () => r.int(1, shape[axis]));
      const cuts = [0, ...[...new Set(splits)].sort((a, b) => a - b), shape[axis]];
      const sizes = cuts.slice(1).map((c, i) => c - cuts[i]);
      const parts = sizes.map((n) => {
        const partShape = shape.map((e, d) => (d === axis ? n : e));
        return {
          shape: partShape,
          values: values(
            r,
            partShape.reduce((a, b) => a * b, 1),
          ),
        };
      });
      const x = values(
        r,
        shape.reduce((a, b) => a * b, 1),
      );
      const weights = values(
        r,
        shape.reduce((a, b) => a * b, 1),
      );
      return {
        params: { shape, begin, size, axis, sizes },
        run: () =>
          tf.tidy(() => {
            const t = tf.tensor(x, shape);
            const concatOf = (...xs: tf.Tensor[]) =>
              tf.sum(tf.mul(tf.concat(xs, axis), tf.tensor(weights, shape)));
            const inputs = parts.map((p) => tf.tensor(p.values, p.shape));
            return collect([
              tf.slice(t, begin, size),
              ...tf.split(t, sizes, axis),
              tf.concat(inputs, axis),
              ...tf.grads(concatOf)(inputs),
            ]);
          }),
      };
    }
    case 'ReluGradient': {
      const n = r.int(1, 40001);
      const special = [0, -0, NaN, 1e-30, -1e-30];
      const x = values(r, n).map((v) => (r.int(0, 10) === 0 ? pick(r, special) : v));
      const dy = values(r, n).map((v) => (r.int(0, 50) === 0 ? NaN : v));
      return {
        params: { n },
        run: () =>
          tf.tidy(() => {
            const dyT = tf.tensor1d(dy);
            const f = (v: tf.Tensor) => tf.mul(tf.relu(v), dyT);
            return collect([
              tf.grad(f)(tf.tensor1d(x)),
              tf.grad((v) => tf.sum(f(v)))(tf.tensor1d(x)),
            ]);
          }),
      };
    }
    case 'ValueSummary': {
      const n = r.int(1, 200001);
      const x = values(r, n).map((v) => v * 10 ** r.int(-3, 4));
      const nans = r.int(0, 3) === 0 ? r.int(1, 4) : 0;
      for (let k = 0; k < nans; k++) x[r.int(0, n)] = NaN;
      return {
        params: { n, nans },
        run: () => {
          const t = tf.tensor1d(x);
          const s = valueSummary(t);
          t.dispose();
          // With NaNs only the count is defined on every backend.
          return [Float32Array.from(s.nans > 0 ? [s.nans] : [s.min, s.max, s.nans])];
        },
      };
    }
    case 'GaussianBlur': {
      const shape: [number, number, number, number] = [r.int(1, 4), size(r), size(r), r.int(1, 5)];
      const sigma = 0.3 + 8 * r.uniform();
      const x = values(
        r,
        shape.reduce((a, b) => a * b, 1),
      );
      return {
        params: { shape, sigma },
        run: () => tf.tidy(() => collect([gaussianBlur(tf.tensor4d(x, shape), sigma)])),
      };
    }
    case 'AdamUpdate': {
      const n = r.int(1, 5000);
      const [value, gradient, m] = [values(r, n), values(r, n), values(r, n)];
      const v = values(r, n).map(Math.abs);
      const t = r.int(1, 1000);
      const attrs: AdamUpdateAttrs = {
        learningRate: 10 ** -r.int(1, 5),
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-7,
        correction1: 1 - 0.9 ** t,
        correction2: 1 - 0.999 ** t,
      };
      return {
        params: { n, ...attrs },
        run: () =>
          tf.tidy(() => {
            const inputs = {
              value: tf.tensor1d(value),
              gradient: tf.tensor1d(gradient),
              m: tf.tensor1d(m),
              v: tf.tensor1d(v),
            };
            return collect(
              tf
                .engine()
                .runKernel(ADAM_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[],
            );
          }),
      };
    }
  }
}

/** max |a − b| / max |b| over all outputs; Infinity when lengths differ or a value is NaN on one side only. */
function relativeError(engine: Float32Array[], cpu: Float32Array[]): number {
  if (engine.length !== cpu.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let k = 0; k < cpu.length; k++) {
    if (engine[k].length !== cpu[k].length) return Infinity;
    for (let i = 0; i < cpu[k].length; i++) {
      if (Number.isNaN(engine[k][i]) !== Number.isNaN(cpu[k][i])) return Infinity;
      if (Number.isNaN(cpu[k][i])) continue; // NaN on both sides agrees
      diff = Math.max(diff, Math.abs(engine[k][i] - cpu[k][i]));
      scale = Math.max(scale, Math.abs(cpu[k][i]));
    }
  }
  return scale === 0 ? diff : diff / scale;
}

function run(c: FuzzCase): {
  outputs?: Float32Array[];
  preActivations?: Float32Array;
  error?: string;
} {
  try {
    return { outputs: c.run(), preActivations: c.kinks?.preActivations() };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Runs cases `[from, from + count)` of the stream `seed` on the current
 * backend and on `cpu`, in groups of `group` (the backend is switched twice
 * per group), and returns one result per case. The current backend is active
 * again when it returns. A case that throws on both backends (tfjs refusing
 * the draw) is reported with error 0 and the message.
 */
export async function fuzzKernels(options: {
  seed: number;
  from?: number;
  count: number;
  kinds?: readonly FuzzKind[];
  group?: number;
  onResult?: (result: FuzzResult) => void;
}): Promise<FuzzResult[]> {
  const engine = tf.getBackend();
  const { seed, from = 0, count, kinds = FUZZ_KINDS, group = 50 } = options;
  const results: FuzzResult[] = [];
  for (let start = from; start < from + count; start += group) {
    const cases = Array.from({ length: Math.min(group, from + count - start) }, (_, i) =>
      fuzzCase(seed, start + i, kinds),
    );
    const onEngine = cases.map(run);
    await tf.setBackend('cpu');
    const onCpu = cases.map(run);
    await tf.setBackend(engine);
    cases.forEach((c, i) => {
      const [e, ref] = [onEngine[i], onCpu[i]];
      const result: FuzzResult = {
        index: c.index,
        kind: c.kind,
        params: c.params,
        relativeError: 0,
      };
      if (e.error !== undefined && ref.error === undefined)
        Object.assign(result, { relativeError: Infinity, error: e.error });
      else if (e.error === undefined && ref.error !== undefined)
        Object.assign(result, { relativeError: Infinity, error: `only cpu threw: ${ref.error}` });
      else if (e.error !== undefined) result.error = `both threw: ${e.error}`;
      else {
        result.relativeError = relativeError(e.outputs!, ref.outputs!);
        const crossings =
          c.kinks && kinkCrossings(e.preActivations!, ref.preActivations!, c.kinks.at);
        if (crossings) result.kinkCrossings = crossings;
      }
      results.push(result);
      options.onResult?.(result);
    });
  }
  return results;
}
