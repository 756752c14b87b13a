/**
 * `MaxPoolGrad` as the addon's native loop, for the onednn engine: the same
 * rule as the wasm engine's JavaScript kernel (`wasm-kernels/max-pool-grad.ts`;
 * the gradient goes to the first maximum of each window, padding never
 * chosen) on the tensors in the wasm heap. Non-float tensors go to the
 * kernel registered before.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmHeapBackend } from '../wasm-heap';
import { loadOnednnAddon } from './addon';

export function onednnMaxPoolGradConfig(
  backendName: string,
  fallback: tf.KernelFunc,
): tf.KernelConfig {
  const addon = loadOnednnAddon();
  return {
    kernelName: 'MaxPoolGrad',
    backendName,
    kernelFunc: (args) => {
      const { dy, input, output } = args.inputs as {
        dy: tf.TensorInfo;
        input: tf.TensorInfo;
        output: tf.TensorInfo;
      };
      if (
        ![dy, input, output].every((t) => t.dtype === 'float32') ||
        tf.util.sizeFromShape(input.shape) === 0
      )
        return fallback(args);
      const { filterSize, strides, pad, dimRoundingMode } =
        args.attrs as unknown as tf.MaxPoolGradAttrs;
      const info = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        filterSize,
        strides,
        1,
        pad,
        dimRoundingMode,
      );
      const [n, h, w, c] = input.shape;
      const poolDims = Int32Array.from([
        n,
        h,
        w,
        c,
        info.filterHeight,
        info.filterWidth,
        info.strideHeight,
        info.strideWidth,
        info.outHeight,
        info.outWidth,
        info.padInfo.top,
        info.padInfo.left,
      ]);
      const backend = args.backend as WasmHeapBackend;
      const dx = backend.makeOutput([...input.shape], 'float32'); // before the views
      const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t);
      addon.maxPoolGrad(view(input), view(output), view(dy), view(dx), poolDims);
      return dx;
    },
  };
}
