/**
 * The one place where the kit chooses its TensorFlow.js backend.
 *
 * Order of preference (docs/design.md §2):
 *   1. `@tensorflow/tfjs-node-gpu` (CUDA libtensorflow), if it is installed and loads;
 *   2. `@tensorflow/tfjs-node` (CPU libtensorflow);
 *   3. `onednn`: the wasm backend with its convolutions and their gradients run
 *      by oneDNN, and bias, max-pool and ReLU gradients, Adam steps, slices and concatenations by native loops, through the kit's
 *      native addon (Debian's `libdnnl-dev`, built by `scripts/setup.sh`;
 *      {@link registerOnednnKernels});
 *   4. `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD, one thread under Node),
 *      with the training kernels wasm lacks registered by {@link registerWasmTrainingKernels};
 *   5. the pure-JS `cpu` backend.
 *
 * On every engine, fused convolutions stay one kernel under a gradient tape
 * and input gradients skip filter gradients ({@link fusedOpsUnderTape}), and
 * a ReLU's gradient is one kernel where the engine has it ({@link installReluGradient}).
 *
 * The environment variable `SALIENCY_BACKEND` forces one of
 * `node-gpu | node | onednn | wasm | cpu`; asking for one that cannot load is an error,
 * never a silent fall-back.
 *
 * The engine starts itself: the kit's entry point (`lib/index.ts`) starts it
 * on import ({@link startEngine}) and the kit's async entry points await it
 * ({@link ensureEngine}). An automatic choice that falls back past an
 * engine that is installed but cannot start prints one line naming the
 * engine and why ({@link fallBackNotice}); kit methods that find tfjs on the
 * pure-JS `cpu` backend although the kit did not choose it print one warning
 * ({@link warnOnSlowBackend}).
 */
import * as tf from '@tensorflow/tfjs';
// '/index' spelled out: tslab (notebooks) loads imported .ts files by path and does not resolve folder imports.
import { registerWasmTrainingKernels } from './wasm-kernels/index';
import { fusedOpsUnderTape } from './fused-ops-under-tape';
import { installReluGradient } from './relu-gradient';
import { registerOnednnKernels, unregisterOnednnKernels } from './onednn/index';
import { registerAdamUpdate } from './adam-update';

/** The kit's names for the engines it knows, in order of preference. */
export type EngineName = 'node-gpu' | 'node' | 'onednn' | 'wasm' | 'cpu';
export const ENGINE_PREFERENCE: readonly EngineName[] = [
  'node-gpu',
  'node',
  'onednn',
  'wasm',
  'cpu',
];

/** What {@link initEngine} chose, for logs and results JSON. */
export interface EngineInfo {
  /** The kit's engine name. */
  engine: EngineName;
  /** The tfjs backend name (`tensorflow`, `wasm`, `cpu`). */
  backend: string;
  /** The npm package that provides it. */
  package: string;
  /** Engines that were tried first and why they did not load. */
  skipped: { engine: EngineName; reason: string }[];
  /** Kernels the kit registered on top of the backend's own (onednn and wasm). */
  addedKernels: string[];
}

export interface InitEngineOptions {
  /** Force an engine; default: `process.env.SALIENCY_BACKEND`, else the first that loads. */
  engine?: EngineName;
}

const PACKAGE: Record<EngineName, string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
  onednn: '@tensorflow/tfjs-backend-wasm + native/wasm-heap-kernels.cc (libdnnl-dev)',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

let current: EngineInfo | undefined;

/** Tries to bring one engine up; returns the tfjs backend name or throws why not. */
async function tryEngine(engine: EngineName): Promise<{ backend: string; addedKernels: string[] }> {
  switch (engine) {
    case 'node-gpu':
    case 'node': {
      // Both packages register the backend named 'tensorflow' on require.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional package, loaded only when chosen
      require(PACKAGE[engine]);
      if (!(await tf.setBackend('tensorflow')))
        throw new Error('backend "tensorflow" did not initialise');
      return { backend: 'tensorflow', addedKernels: [] };
    }
    case 'onednn':
    case 'wasm': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- registers the backend on load, only when chosen
      require('@tensorflow/tfjs-backend-wasm');
      if (!(await tf.setBackend('wasm'))) throw new Error('backend "wasm" did not initialise');
      unregisterOnednnKernels();
      registerAdamUpdate();
      const added = registerWasmTrainingKernels();
      if (engine === 'wasm') return { backend: 'wasm', addedKernels: added };
      const native = registerOnednnKernels();
      return { backend: 'wasm', addedKernels: [...new Set([...added, ...native])] };
    }
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) throw new Error('backend "cpu" did not initialise');
      return { backend: 'cpu', addedKernels: [] };
    }
  }
}

/**
 * True when `err` says that the optional package of `engine` is not installed
 * (`tfjs-node` and `tfjs-node-gpu` are optional dependencies that most
 * machines lack): an expected skip, not worth a notice.
 */
function isMissingOptionalPackage(engine: EngineName, err: unknown): boolean {
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  return (
    (engine === 'node' || engine === 'node-gpu') &&
    code === 'MODULE_NOT_FOUND' &&
    (err as Error).message.includes(PACKAGE[engine])
  );
}

/**
 * The one line an automatic choice prints when it fell back past engines that
 * are installed but could not start, e.g.
 * `saliency-kit: engine wasm (onednn unavailable: <reason>)`; undefined when
 * nothing unexpected was skipped.
 */
export function fallBackNotice(
  chosen: EngineName,
  unavailable: readonly { engine: EngineName; reason: string }[],
): string | undefined {
  if (unavailable.length === 0) return undefined;
  return `saliency-kit: engine ${chosen} (${unavailable.map((u) => `${u.engine} unavailable: ${u.reason}`).join('; ')})`;
}

function parseEngine(name: string): EngineName {
  if ((ENGINE_PREFERENCE as readonly string[]).includes(name)) return name as EngineName;
  throw new Error(
    `SALIENCY_BACKEND="${name}" is not an engine; use one of ${ENGINE_PREFERENCE.join(', ')}`,
  );
}

/** The start in progress, so that concurrent calls wait for it instead of racing tf.setBackend. */
let starting: Promise<EngineInfo> | undefined;
/** Whether this process printed its fall-back notice already (one line per process). */
let noticePrinted = false;

/** Brings up `forced`, or the first engine that starts; prints the fall-back notice of an automatic choice. */
async function start(forced: EngineName | undefined): Promise<EngineInfo> {
  fusedOpsUnderTape();
  installReluGradient();
  const candidates = forced ? [forced] : ENGINE_PREFERENCE;
  const skipped: EngineInfo['skipped'] = [];
  const unavailable: EngineInfo['skipped'] = [];
  for (const engine of candidates) {
    try {
      const { backend, addedKernels } = await tryEngine(engine);
      current = { engine, backend, package: PACKAGE[engine], skipped, addedKernels };
      const notice = fallBackNotice(engine, unavailable);
      if (notice && !noticePrinted) {
        noticePrinted = true;
        console.warn(notice);
      }
      return current;
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      if (forced)
        throw new Error(`engine "${engine}" (${PACKAGE[engine]}) could not start: ${reason}`, {
          cause: err,
        });
      skipped.push({ engine, reason });
      if (!isMissingOptionalPackage(engine, err)) unavailable.push({ engine, reason });
    }
  }
  throw new Error(`no TensorFlow.js engine could start: ${JSON.stringify(skipped)}`);
}

/**
 * Chooses and initialises the backend (idempotent: a second call with the
 * same request returns the first answer; a call made while another is
 * starting an engine waits for it). Commands call it once before any tensor
 * work; library users need not (see {@link ensureEngine}).
 */
export async function initEngine(options: InitEngineOptions = {}): Promise<EngineInfo> {
  const env = process.env.SALIENCY_BACKEND;
  const forced = options.engine ?? (env ? parseEngine(env) : undefined);
  while (starting) await starting.catch(() => undefined);
  if (current && (forced === undefined || forced === current.engine)) return current;
  starting = start(forced);
  try {
    return await starting;
  } finally {
    starting = undefined;
  }
}

/**
 * The engine, started with {@link initEngine}'s automatic choice (or
 * `SALIENCY_BACKEND`) when none is yet; never switches a running one. The
 * kit's async entry points (loading a model, the saliency methods, masker
 * training) await it, so a user who never calls `initEngine` gets the fast engine.
 */
export async function ensureEngine(): Promise<EngineInfo> {
  if (starting) await starting.catch(() => undefined);
  return current ?? initEngine();
}

/**
 * Starts the engine without waiting (what importing `lib/index.ts` does). A
 * failure is not thrown here: the next {@link ensureEngine} or
 * {@link initEngine} tries again and throws it.
 */
export function startEngine(): void {
  ensureEngine().catch(() => undefined);
}

/** The engine chosen by {@link initEngine}; throws if it was not called. */
export function engineInfo(): EngineInfo {
  if (!current) throw new Error('initEngine() has not been called');
  return current;
}

/** Whether this process printed its slow-backend warning already (one line per process). */
let slowWarningPrinted = false;

/**
 * The warning kit methods print (once per process) when tfjs runs on the
 * pure-JS `cpu` backend although the kit did not choose it: before the
 * engine started, or after code outside the kit switched backends. Undefined
 * when the backend is not `cpu` or the kit chose `cpu` itself (forced, or
 * the last engine that could start).
 */
export function slowBackendWarning(): string | undefined {
  if (tf.getBackend() !== 'cpu' || current?.backend === 'cpu') return undefined;
  const why = current
    ? `the kit started ${current.engine}, but the backend was switched to cpu since`
    : 'no engine has been started yet';
  return `saliency-kit: running on the pure-JS cpu backend, 100-1000x slower than the kit's engines (${why}); await initEngine() from the kit first`;
}

/** Prints {@link slowBackendWarning} once per process; cheap enough to call on every kit method call. */
export function warnOnSlowBackend(): void {
  if (slowWarningPrinted) return;
  const warning = slowBackendWarning();
  if (warning === undefined) return;
  slowWarningPrinted = true;
  console.warn(warning);
}
