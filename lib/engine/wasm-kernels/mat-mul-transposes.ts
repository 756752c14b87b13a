/**
 * `BatchMatMul` and `_FusedMatMul` on wasm with transposed operands. wasm's
 * kernels read a transposed operand in place, an order of magnitude slower
 * than multiplying untransposed matrices, while transposing the operand first
 * is cheap (docs/engines.md, *Why each kernel*). Every dense layer's gradient multiplies by a
 * transposed matrix (dW = xᵀ·dy, dx = dy·Wᵀ), so this wrapper transposes the
 * operand with wasm's `Transpose` and calls wasm's own kernel untransposed.
 *
 * wasm's `_FusedMatMul` (tfjs-backend-wasm 4.22) is wrong when the operands
 * carry a batch of more than one matrix (max error 1.56 on 2×4×6 by 2×6×3,
 * with and without an activation); those calls go to the cpu backend's
 * kernel. Dense layers multiply single matrices and keep wasm's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { cpuFallbackConfig } from './cpu-fallback';
import { KernelCalls } from './kernel-calls';

/** The kernels this wrapper replaces. */
export const MAT_MUL_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

/** wasm's own kernel functions, captured before the first replacement (registration is idempotent). */
const originals = new Map<string, tf.KernelFunc>();

function swapLastTwo(calls: KernelCalls, x: tf.TensorInfo): tf.TensorInfo {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return calls.transpose(x, perm);
}

export function matMulTransposesConfig(
  kernelName: (typeof MAT_MUL_KERNELS)[number],
  backendName: string,
): tf.KernelConfig {
  const key = `${backendName}/${kernelName}`;
  if (!originals.has(key)) {
    const own = tf.getKernel(kernelName, backendName);
    if (!own) throw new Error(`kernel ${kernelName} is not registered for backend ${backendName}`);
    originals.set(key, own.kernelFunc);
  }
  const original = originals.get(key)!;
  const fallback = cpuFallbackConfig(kernelName, backendName).kernelFunc;
  const matrices = (x: tf.TensorInfo) => x.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  return {
    kernelName,
    backendName,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const { transposeA, transposeB } = attrs as unknown as {
        transposeA: boolean;
        transposeB: boolean;
      };
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      if (kernelName === '_FusedMatMul' && (matrices(a) > 1 || matrices(b) > 1))
        return fallback(args);
      if (!transposeA && !transposeB) return original(args);
      const calls = new KernelCalls(backend as tf.KernelBackend, backendName);
      const result = original({
        inputs: {
          ...inputs,
          a: transposeA ? swapLastTwo(calls, a) : a,
          b: transposeB ? swapLastTwo(calls, b) : b,
        },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      }) as tf.TensorInfo;
      return calls.finish(result);
    },
  };
}
