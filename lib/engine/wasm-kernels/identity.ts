/**
 * `Identity`, and `Cast` to the tensor's own dtype, for the wasm backend
 * without a copy. wasm's own kernels copy the tensor; tfjs-core and
 * tfjs-layers call `Identity` many times per step (gradient bookkeeping,
 * layer outputs) and tfjs-core's gradients cast float32 tensors to float32
 * (about 40 times per masker training step), and those copies were a visible
 * share of the kernel time (docs/engines.md, *Why each kernel*). Tensors are
 * immutable and variables are reassigned, never written in place, so the
 * output shares the input's data and counts one more reference to it, as
 * wasm's own `Reshape` and the cpu backend's `Identity` and `Cast` do.
 */
import * as tf from '@tensorflow/tfjs';

/** `x` itself, one more reference to its data: what a kernel returns instead of a copy. */
export function sharedData(backend: unknown, x: tf.TensorInfo): tf.TensorInfo {
  (backend as tf.KernelBackend & { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function identityConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'Identity',
    backendName,
    kernelFunc: ({ inputs, backend }) => sharedData(backend, (inputs as { x: tf.TensorInfo }).x),
  };
}

/** `Cast` that shares the data when the dtype does not change; other casts go to `fallback`. */
export function sameDtypeCastConfig(backendName: string, fallback: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'Cast',
    backendName,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { dtype } = args.attrs as unknown as tf.CastAttrs;
      return x.dtype === dtype ? sharedData(args.backend, x) : fallback(args);
    },
  };
}
