/**
 * The page's TensorFlow.js backend: WebGPU, then WebGL, then wasm (SIMD, and
 * threads where the page is cross-origin isolated), the first that starts and
 * computes a test sum correctly. A backend asked for by name that does not
 * start falls back along the same order; every fall-back is reported with its
 * cause. The threaded wasm build runs where the page is cross-origin isolated,
 * with tfjs's pool of half the cores (at most 4). The pure-JS `cpu` backend is the last resort.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** The backends the page offers, in order of preference. */
export const BACKENDS = ['webgpu', 'webgl', 'wasm'] as const;
export type BackendName = (typeof BACKENDS)[number] | 'cpu';

/** What started. */
export interface BackendInfo {
  name: BackendName;
  /** One line for the page: the backend and its details (adapter, threads, SIMD). */
  details: string;
}

/** Where the build puts the wasm binaries (lib/web/web-build.ts `WASM_PATH`). */
const WASM_PATH = 'wasm/';

let wasmPathSet = false;

/** Why WebGPU cannot start here, or undefined when an adapter is there. */
async function webgpuProblem(): Promise<string | undefined> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'this browser exposes no WebGPU (navigator.gpu is missing)';
  const adapter = await gpu.requestAdapter().catch((err: Error) => {
    throw new Error(`requestAdapter failed: ${err.message}`);
  });
  return adapter ? undefined : 'no WebGPU adapter is available';
}

/** A sum the backend must get right before the page trusts it. */
async function checkBackend(): Promise<void> {
  const t = tf.tensor1d([1, 2, 3, 4]);
  const sum = tf.sum(tf.mul(t, t));
  const value = (await sum.data())[0];
  tf.dispose([t, sum]);
  if (value !== 30) throw new Error(`a test sum gave ${value}, not 30`);
}

/** Details of the running backend for the page. */
async function describe(name: BackendName): Promise<string> {
  if (name === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    const isolated = globalThis.crossOriginIsolated ? 'cross-origin isolated' : 'not isolated';
    const count = threads ? `${getThreadsCount()} thread(s)` : 'no threads';
    return `wasm, SIMD ${simd ? 'on' : 'off'}, ${count} (${isolated})`;
  }
  if (name === 'webgl') {
    const version = tf.env().getNumber('WEBGL_VERSION');
    return `WebGL ${version}`;
  }
  return name === 'webgpu' ? 'WebGPU' : 'cpu (pure JavaScript, slow)';
}

/** Tries one backend; throws why it did not start. */
async function tryBackend(name: BackendName): Promise<void> {
  if (name === 'webgpu') {
    const problem = await webgpuProblem();
    if (problem) throw new Error(problem);
  }
  if (name === 'wasm' && !wasmPathSet) {
    setWasmPaths(WASM_PATH);
    wasmPathSet = true;
  }
  const ok = await tf.setBackend(name).catch((err: Error) => {
    throw new Error(err.message);
  });
  if (!ok) throw new Error('TensorFlow.js could not initialise it (see the console)');
  await tf.ready();
  await checkBackend();
}

/**
 * Starts a backend.
 * @param wanted a backend by name, or `auto` for the first of {@link BACKENDS} that starts.
 * @param report called with one line per backend that did not start: its cause and the next one tried.
 * @throws when none starts, `cpu` included.
 */
export async function startBackend(
  wanted: BackendName | 'auto',
  report: (message: string) => void,
): Promise<BackendInfo> {
  const order: BackendName[] =
    wanted === 'auto'
      ? [...BACKENDS, 'cpu']
      : [wanted, ...BACKENDS.filter((b) => b !== wanted), 'cpu'];
  for (let i = 0; i < order.length; i++) {
    const name = order[i];
    try {
      await tryBackend(name);
      return { name, details: await describe(name) };
    } catch (err) {
      const next = order[i + 1];
      report(
        `backend ${name} did not start: ${(err as Error).message}; ${next ? `falling back to ${next}` : 'no backend is left'}`,
      );
    }
  }
  throw new Error('no TensorFlow.js backend started in this browser');
}
