/**
 * A correct (not fast) path for kernels a backend lacks: copy the inputs to the
 * pure-JS cpu backend, run its kernel there, copy the outputs back.
 * Used on wasm for the kernels the kit's own code can reach but wasm does not
 * have, e.g. `UnsortedSegmentSum` (the gradient of `tf.gather`).
 */
import * as tf from '@tensorflow/tfjs';

export function cpuFallbackConfig(kernelName: string, backendName: string): tf.KernelConfig {
  return {
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend: owner, attrs }) => {
      const backend = owner as tf.KernelBackend;
      const cpu = tf.engine().findBackend('cpu');
      const cpuKernel = tf.getKernel(kernelName, 'cpu');
      if (!cpu || !cpuKernel)
        throw new Error(`${kernelName}: no cpu kernel to fall back on from ${backendName}`);
      const toCpu = (t: tf.TensorInfo): tf.TensorInfo => ({
        dataId: cpu.write(backend.readSync(t.dataId), t.shape, t.dtype),
        shape: t.shape,
        dtype: t.dtype,
      });
      const cpuInputs: tf.NamedTensorInfoMap = {};
      for (const [name, t] of Object.entries(inputs)) if (t) cpuInputs[name] = toCpu(t);
      const out = cpuKernel.kernelFunc({ inputs: cpuInputs, backend: cpu, attrs });
      const back = (t: tf.TensorInfo): tf.TensorInfo => {
        const dataId = backend.write(cpu.readSync(t.dataId), t.shape, t.dtype);
        cpu.disposeData(t.dataId);
        return { dataId, shape: t.shape, dtype: t.dtype };
      };
      const result = Array.isArray(out) ? out.map(back) : back(out);
      for (const t of Object.values(cpuInputs)) if (t) cpu.disposeData(t.dataId);
      return result;
    },
  };
}
