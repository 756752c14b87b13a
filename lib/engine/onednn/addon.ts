/**
 * The native kernels addon of the onednn engine (`native/wasm-heap-kernels.cc`),
 * built by `scripts/setup.sh` against Debian's `libdnnl-dev`. It runs 2-D
 * convolutions and both of their gradients on oneDNN, a row sum, the
 * gradients of max pooling and ReLU, box copies and the Adam step, in place
 * on Float32Array views (the kit hands it views into the wasm heap, so
 * nothing is copied).
 *
 * oneDNN and the addon's own loops run on OpenMP threads: as many as the
 * process's thread budget allows ({@link threadBudget}), fewer while other
 * processes keep cores busy ({@link ThreadControl}).
 */
import * as fs from 'fs';
import * as path from 'path';
import { threadBudget } from '../thread-budget';
import { ThreadControl } from './thread-control';

/** Operations, as numbered by the addon. */
export const ONEDNN_OP = { forward: 0, backwardData: 1, backwardWeights: 2 } as const;
export type OnednnOp = keyof typeof ONEDNN_OP;

/** Activations the addon fuses after a forward convolution, as numbered by it. */
export const ONEDNN_ACTIVATION = {
  linear: 0,
  relu: 1,
  relu6: 2,
  leakyrelu: 3,
  elu: 4,
  sigmoid: 5,
} as const;
export type OnednnActivation = keyof typeof ONEDNN_ACTIVATION;

/**
 * A convolution's shape, in the order the addon reads it:
 * n, ih, iw, ci, kh, kw, co, oh, ow, strides (2), dilations (2, from 1),
 * pads top, left, bottom, right.
 */
export type ConvDims = Int32Array;

/**
 * The addon's functions; arrays are NHWC activations and HWIO filters, written in place.
 * A `filterKey` ≥ 0 names the filter's values: the addon keeps the filter in
 * oneDNN's layout and reuses it while the key and the address are the same.
 */
export interface OnednnAddon {
  forward(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    y: Float32Array,
    dims: ConvDims,
    activation: number,
    alpha: number,
    filterKey?: number,
  ): void;
  backwardData(
    dy: Float32Array,
    filter: Float32Array,
    dx: Float32Array,
    dims: ConvDims,
    filterKey?: number,
  ): void;
  /** Forgets the filters kept in oneDNN's layout under their `filterKey`. */
  clearFilters(): void;
  backwardWeights(x: Float32Array, dy: Float32Array, dw: Float32Array, dims: ConvDims): void;
  /** `out[c] = Σ_r x[r·cols + c]` over `rows` rows (float blocks added in double). */
  sumRows(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /**
   * The gradient of a max pool, written into `dx`: x (input), y (its output), dy.
   * @param poolDims n, h, w, c, kh, kw, sh, sw, oh, ow, padTop, padLeft.
   */
  maxPoolGrad(
    x: Float32Array,
    y: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    poolDims: Int32Array,
  ): void;
  /**
   * One Adam step of one variable: reads value, gradient, m, v and writes the new
   * value, m and v (all of one length); `params` = learning rate, β1, β2, ε, 1 − β1^t, 1 − β2^t.
   */
  adamUpdate(
    value: Float32Array,
    gradient: Float32Array,
    m: Float32Array,
    v: Float32Array,
    newValue: Float32Array,
    newM: Float32Array,
    newV: Float32Array,
    params: Float64Array,
  ): void;
  /** Copies a box of `src` into `dst` (see `BoxCopy` in wasm-kernels/box-copy-kernels.ts). */
  copyBox(src: Float32Array, dst: Float32Array, box: Int32Array): void;
  /** `dx = dy · step(y)`, the gradient of a ReLU from its output `y` (all of one length). */
  reluGrad(dy: Float32Array, y: Float32Array, dx: Float32Array): void;
  /** `out` = min and max of the values that are not NaN (+∞, −∞ when none is), NaN count. */
  valueSummary(x: Float32Array, out: Float32Array): void;
  /** `y` = the separable blur of `x` (NHWC `shape`) by `weights` (odd length) along rows, then columns, borders mirrored. */
  mirrorBlur(x: Float32Array, y: Float32Array, weights: Float32Array, shape: Int32Array): void;
  /** oneDNN's implementation for this shape (e.g. `jit:avx512_core`), for benchmarks and logs. */
  implementation(op: number, dims: ConvDims): string;
  /** Sets the OpenMP thread count of the next calls (an integer from 1 to 1024). */
  setThreads(threads: number): void;
  /** The OpenMP thread count of the next calls. */
  threads(): number;
}

/**
 * The addon's compute functions, each run after the thread count is brought
 * up to date, and whether its result depends on the thread count (oneDNN
 * splits the filter gradient's sums by thread; the addon's own loops do not).
 */
const COMPUTE = {
  forward: false,
  backwardData: false,
  backwardWeights: true,
  sumRows: false,
  maxPoolGrad: false,
  adamUpdate: false,
  copyBox: false,
  reluGrad: false,
  valueSummary: false,
  mirrorBlur: false,
} as const;

/**
 * The builds of the addon `scripts/setup.sh` makes: `release` (the default),
 * and `asan` (`bash scripts/setup.sh --sanitize`: AddressSanitizer, for the
 * kernel fuzzer; node must run with libasan preloaded, see `npm run fuzz -- --sanitize`).
 */
export type OnednnAddonBuild = 'release' | 'asan';

/** The build chosen by `SALIENCY_ADDON_BUILD` (default `release`). */
export function onednnAddonBuild(): OnednnAddonBuild {
  const build = process.env.SALIENCY_ADDON_BUILD ?? 'release';
  if (build !== 'release' && build !== 'asan')
    throw new Error(
      `SALIENCY_ADDON_BUILD="${build}" is not a build of the addon; use release or asan`,
    );
  return build;
}

/**
 * Where `scripts/setup.sh` (node-gyp) puts a build of the addon. The real path of
 * this folder: notebooks import lib/ through the symlink notebooks/lib.
 */
export function onednnAddonPath(build: OnednnAddonBuild = onednnAddonBuild()): string {
  return path.resolve(
    fs.realpathSync(__dirname),
    `../../../native/build/${build === 'asan' ? 'Debug' : 'Release'}/wasm_heap_kernels.node`,
  );
}

let addon: OnednnAddon | undefined;
let control: ThreadControl | undefined;

/** The thread control of the loaded addon (undefined before {@link loadOnednnAddon}). */
export function onednnThreadControl(): ThreadControl | undefined {
  return control;
}

/**
 * Loads the addon once.
 * @throws naming the Debian package and the setup command when it is not built or cannot load.
 */
export function loadOnednnAddon(): OnednnAddon {
  if (addon) return addon;
  const budget = threadBudget();
  const file = onednnAddonPath();
  let raw: OnednnAddon;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a native addon is loaded by path
    raw = require(file) as OnednnAddon;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const build =
      onednnAddonBuild() === 'asan'
        ? '`bash scripts/setup.sh --sanitize` builds this one'
        : '`npm run setup` installs it and builds the addon';
    throw new Error(
      `the native kernels addon of the onednn engine (${file}) is not available: ${reason}. ` +
        `It needs the Debian package libdnnl-dev; ${build}.`,
      { cause: err },
    );
  }
  const threads = new ThreadControl(budget, (n) => raw.setThreads(n));
  // The addon's exports are not enumerable: each function is carried over by name.
  const wrapped: Record<string, unknown> = {
    implementation: raw.implementation.bind(raw),
    clearFilters: raw.clearFilters.bind(raw),
    setThreads: raw.setThreads.bind(raw),
    threads: raw.threads.bind(raw),
  };
  for (const [name, threadDependent] of Object.entries(COMPUTE)) {
    const run = raw[name as keyof typeof COMPUTE] as (...args: unknown[]) => void;
    wrapped[name] = (...args: unknown[]) => {
      threads.beforeCall(threadDependent);
      run(...args);
    };
  }
  control = threads;
  addon = wrapped as unknown as OnednnAddon;
  return addon;
}
