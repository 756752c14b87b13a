/**
 * One Adam step (Kingma & Ba 2015) of one variable as a single kernel, for
 * the wasm and cpu backends. tfjs's `AdamOptimizer` spends about a dozen
 * element-wise kernels per variable (multiply, add, square, divide, sqrt),
 * each with its own output and engine bookkeeping: in a residual-net training
 * step on wasm they were half of the 537 kernel calls. This kernel reads the
 * value, gradient and both moments once and writes the three new tensors:
 *
 *     m' = β1·m + (1 − β1)·g
 *     v' = β2·v + (1 − β2)·g²
 *     w' = w − lr · (m' / c1) / (√(v' / c2) + ε),   c1 = 1 − β1^t, c2 = 1 − β2^t
 *
 * which is tfjs's update, term for term (computed in float64, stored in float32).
 * The onednn engine replaces the wasm kernel with the addon's native loop
 * (`onednn/adam-kernel.ts`), which gives the same bits.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmHeapBackend } from './wasm-heap';

/** The kernel's name (the kit's own; tfjs has no such kernel). */
export const ADAM_UPDATE = 'SaliencyKitAdamUpdate';

/** Attributes of {@link ADAM_UPDATE}. */
export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − β1^t of this step. */
  correction1: number;
  /** 1 − β2^t of this step. */
  correction2: number;
}

/** The backends this kernel is registered for. */
export const ADAM_UPDATE_BACKENDS = ['wasm', 'cpu'] as const;

/** The kernel's four inputs, checked: float32, all of the variable's shape. */
export function adamInputs(
  inputs: tf.NamedTensorInfoMap,
): Record<'value' | 'gradient' | 'm' | 'v', tf.TensorInfo> {
  const { value, gradient, m, v } = inputs as Record<
    'value' | 'gradient' | 'm' | 'v',
    tf.TensorInfo
  >;
  for (const [name, t] of Object.entries({ value, gradient, m, v })) {
    if (t.dtype !== 'float32')
      throw new Error(`${ADAM_UPDATE}: ${name} must be float32, got ${t.dtype}`);
    if (!tf.util.arraysEqual(t.shape, value.shape)) {
      throw new Error(
        `${ADAM_UPDATE}: ${name} has shape [${t.shape.join(', ')}], the variable [${value.shape.join(', ')}]`,
      );
    }
  }
  return { value, gradient, m, v };
}

function update(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  out: [Float32Array, Float32Array, Float32Array],
  a: AdamUpdateAttrs,
): void {
  const [w2, m2, v2] = out;
  const { learningRate: lr, beta1, beta2, epsilon, correction1, correction2 } = a;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m2[i] = mi;
    v2[i] = vi;
    w2[i] = w[i] - lr * (mi / correction1 / (Math.sqrt(vi / correction2) + epsilon));
  }
}

function adamUpdateConfig(backendName: (typeof ADAM_UPDATE_BACKENDS)[number]): tf.KernelConfig {
  return {
    kernelName: ADAM_UPDATE,
    backendName,
    kernelFunc: ({ inputs, backend: owner, attrs }) => {
      const { value, gradient, m, v } = adamInputs(inputs);
      const a = attrs as unknown as AdamUpdateAttrs;
      if (backendName === 'wasm') {
        const backend = owner as WasmHeapBackend;
        const outs = [0, 1, 2].map(() => backend.makeOutput([...value.shape], 'float32')); // before any view: allocation may grow the heap
        const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t);
        update(
          view(value),
          view(gradient),
          view(m),
          view(v),
          [view(outs[0]), view(outs[1]), view(outs[2])],
          a,
        );
        return outs;
      }
      const backend = owner as tf.KernelBackend;
      const read = (t: tf.TensorInfo) => backend.readSync(t.dataId) as Float32Array;
      const size = tf.util.sizeFromShape(value.shape);
      const out: [Float32Array, Float32Array, Float32Array] = [
        new Float32Array(size),
        new Float32Array(size),
        new Float32Array(size),
      ];
      update(read(value), read(gradient), read(m), read(v), out, a);
      return out.map((values) => ({
        dataId: backend.write(values, [...value.shape], 'float32'),
        shape: [...value.shape],
        dtype: 'float32' as const,
      }));
    },
  };
}

/** Registers {@link ADAM_UPDATE} for wasm and cpu (idempotent: keeps a kernel already registered, e.g. the onednn engine's native one). */
export function registerAdamUpdate(): void {
  for (const backendName of ADAM_UPDATE_BACKENDS) {
    if (!tf.getKernel(ADAM_UPDATE, backendName)) tf.registerKernel(adamUpdateConfig(backendName));
  }
}

/** Whether the current backend has {@link ADAM_UPDATE}. */
export function hasAdamUpdate(): boolean {
  return tf.getKernel(ADAM_UPDATE, tf.getBackend()) !== undefined;
}
