/**
 * {@link ADAM_UPDATE} (one Adam step of one variable) as the addon's native
 * loop, for the onednn engine: term for term the JavaScript kernel of
 * `adam-update.ts` (double arithmetic, float storage), so both give the same
 * bits, on the tensors in the wasm heap, where the JavaScript loop was a
 * sizeable share of a training step's kernel time (docs/engines.md, *Why
 * each kernel*).
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE, adamInputs, AdamUpdateAttrs } from '../adam-update';
import { WasmHeapBackend } from '../wasm-heap';
import { loadOnednnAddon } from './addon';

export function onednnAdamUpdateConfig(backendName: string): tf.KernelConfig {
  const addon = loadOnednnAddon();
  return {
    kernelName: ADAM_UPDATE,
    backendName,
    kernelFunc: ({ inputs, backend: owner, attrs }) => {
      const { value, gradient, m, v } = adamInputs(inputs);
      const { learningRate, beta1, beta2, epsilon, correction1, correction2 } =
        attrs as unknown as AdamUpdateAttrs;
      const backend = owner as WasmHeapBackend;
      const outs = [0, 1, 2].map(() => backend.makeOutput([...value.shape], 'float32')); // before the views
      const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t);
      addon.adamUpdate(
        view(value),
        view(gradient),
        view(m),
        view(v),
        view(outs[0]),
        view(outs[1]),
        view(outs[2]),
        Float64Array.from([learningRate, beta1, beta2, epsilon, correction1, correction2]),
      );
      return outs;
    },
  };
}
