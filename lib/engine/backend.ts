/**
 * The one place where the kit chooses its TensorFlow.js backend.
 *
 * Order of preference (DESIGN.md §2):
 *   1. `@tensorflow/tfjs-node-gpu` (CUDA libtensorflow), if it is installed and loads;
 *   2. `@tensorflow/tfjs-node` (CPU libtensorflow);
 *   3. `onednn`: the wasm backend with its convolutions and their gradients run
 *      by oneDNN, and bias gradients, max-pool gradients and Adam steps by native loops, through the kit's
 *      native addon (Debian's `libdnnl-dev`, built by `scripts/setup.sh`;
 *      {@link registerOnednnKernels});
 *   4. `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD, one thread under Node),
 *      with the training kernels wasm lacks registered by {@link registerWasmTrainingKernels};
 *   5. the pure-JS `cpu` backend.
 *
 * On every engine, linear fused ops run unfused under a gradient tape
 * ({@link unfuseLinearUnderTape}), so input gradients skip filter gradients.
 *
 * The environment variable `SALIENCY_BACKEND` forces one of
 * `node-gpu | node | onednn | wasm | cpu`; asking for one that cannot load is an error,
 * never a silent fall-back.
 */
import * as tf from '@tensorflow/tfjs';
// '/index' spelled out: tslab (notebooks) loads imported .ts files by path and does not resolve folder imports.
import { registerWasmTrainingKernels } from './wasm-kernels/index';
import { unfuseLinearUnderTape } from './unfuse-linear-under-tape';
import { registerOnednnKernels, unregisterOnednnKernels } from './onednn/index';
import { registerAdamUpdate } from './adam-update';

/** The kit's names for the engines it knows, in order of preference. */
export type EngineName = 'node-gpu' | 'node' | 'onednn' | 'wasm' | 'cpu';
export const ENGINE_PREFERENCE: readonly EngineName[] = ['node-gpu', 'node', 'onednn', 'wasm', 'cpu'];

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
      require(PACKAGE[engine]);
      if (!(await tf.setBackend('tensorflow'))) throw new Error('backend "tensorflow" did not initialise');
      return { backend: 'tensorflow', addedKernels: [] };
    }
    case 'onednn':
    case 'wasm': {
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

function parseEngine(name: string): EngineName {
  if ((ENGINE_PREFERENCE as readonly string[]).includes(name)) return name as EngineName;
  throw new Error(`SALIENCY_BACKEND="${name}" is not an engine; use one of ${ENGINE_PREFERENCE.join(', ')}`);
}

/**
 * Chooses and initialises the backend (idempotent: a second call with the
 * same request returns the first answer). Call it once before any tensor work.
 */
export async function initEngine(options: InitEngineOptions = {}): Promise<EngineInfo> {
  const env = process.env.SALIENCY_BACKEND;
  const forced = options.engine ?? (env ? parseEngine(env) : undefined);
  if (current && (forced === undefined || forced === current.engine)) return current;
  unfuseLinearUnderTape();
  const candidates = forced ? [forced] : ENGINE_PREFERENCE;
  const skipped: EngineInfo['skipped'] = [];
  for (const engine of candidates) {
    try {
      const { backend, addedKernels } = await tryEngine(engine);
      current = { engine, backend, package: PACKAGE[engine], skipped, addedKernels };
      return current;
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      if (forced) throw new Error(`engine "${engine}" (${PACKAGE[engine]}) could not start: ${reason}`);
      skipped.push({ engine, reason });
    }
  }
  throw new Error(`no TensorFlow.js engine could start: ${JSON.stringify(skipped)}`);
}

/** The engine chosen by {@link initEngine}; throws if it was not called. */
export function engineInfo(): EngineInfo {
  if (!current) throw new Error('initEngine() has not been called');
  return current;
}
