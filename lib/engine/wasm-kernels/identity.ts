/**
 * `Identity` for the wasm backend without a copy. wasm's own kernel copies
 * the tensor; tfjs-core and tfjs-layers call it many times per step (gradient
 * bookkeeping, layer outputs), and in a masker training step those copies were
 * a visible share of the kernel time (docs/engines.md, *Why each kernel*).
 * Tensors are immutable and variables are
 * reassigned, never written in place, so the output shares the input's data
 * and counts one more reference to it, as wasm's own `Reshape` and the cpu
 * backend's `Identity` do.
 */
import * as tf from '@tensorflow/tfjs';

export function identityConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'Identity',
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      (backend as tf.KernelBackend & { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}
