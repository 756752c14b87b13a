/**
 * The gradient of a ReLU as one kernel. tfjs-core writes it as
 * `mul(dy, cast(step(x), 'float32'))`: three kernels, three outputs and
 * three passes over the tensor for every ReLU layer, and `mul(dy, step(y))`
 * for each ReLU convolution under the kit's fused gradient
 * (fused-ops-under-tape.ts). {@link RELU_GRAD} computes `dy · step(y)` in one
 * pass, with tfjs's `step` (1 above zero, 0 otherwise, NaN for NaN), so the
 * bits are tfjs's: in JavaScript on the wasm engine, in the addon's threaded
 * loop on the onednn engine. Backends without the kernel (cpu, WebGL,
 * WebGPU) keep tfjs's ops.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmHeapBackend } from './wasm-heap';

/** The kernel's name (the kit's own; tfjs has no such kernel). Inputs `dy`, `y`; output `dx`. */
export const RELU_GRAD = 'SaliencyKitReluGrad';

/** Writes `dx = dy · step(y)` (all three of one length). */
export type ReluGradLoop = (dy: Float32Array, y: Float32Array, dx: Float32Array) => void;

/** {@link ReluGradLoop} in JavaScript. */
export function reluGradInJavaScript(dy: Float32Array, y: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < dx.length; i++) {
    const v = y[i];
    dx[i] = dy[i] * (v > 0 ? 1 : v !== v ? NaN : 0);
  }
}

/** {@link RELU_GRAD} for a wasm-heap backend, running `loop` on the tensors in the heap. */
export function reluGradConfig(backendName: string, loop: ReluGradLoop): tf.KernelConfig {
  return {
    kernelName: RELU_GRAD,
    backendName,
    kernelFunc: ({ inputs, backend: owner }) => {
      const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
      if (dy.dtype !== 'float32' || y.dtype !== 'float32')
        throw new Error(`${RELU_GRAD}: dy and y must be float32, got ${dy.dtype} and ${y.dtype}`);
      if (!tf.util.arraysEqual(dy.shape, y.shape))
        throw new Error(
          `${RELU_GRAD}: dy has shape [${dy.shape.join(', ')}], y [${y.shape.join(', ')}]`,
        );
      const backend = owner as WasmHeapBackend;
      const dx = backend.makeOutput([...dy.shape], 'float32'); // before the views
      const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t);
      loop(view(dy), view(y), view(dx));
      return dx;
    },
  };
}

/**
 * `dy · step(y)`: the gradient at a ReLU's input, from the gradient at its
 * output and its output `y` (or its input: the same sign). One kernel where
 * the backend has {@link RELU_GRAD} and both are float32, tfjs's ops otherwise.
 * @returns a new tensor; the caller (in a gradient function: the tape) disposes it.
 */
export function reluGradient<T extends tf.Tensor>(dy: T, y: tf.Tensor): T {
  if (
    dy.dtype === 'float32' &&
    y.dtype === 'float32' &&
    tf.getKernel(RELU_GRAD, tf.getBackend()) !== undefined
  )
    return tf.engine().runKernel(RELU_GRAD, { dy, y }) as T;
  return tf.mul(dy, tf.cast(tf.step(y), 'float32'));
}

let installed = false;

/** Makes {@link reluGradient} the gradient of tfjs's `Relu` kernel (idempotent; every backend). */
export function installReluGradient(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      return { x: () => reluGradient(dy as tf.Tensor, x) };
    },
  });
}
