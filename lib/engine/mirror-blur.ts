/**
 * A separable blur with mirror-extended borders as one kernel, for the
 * Gaussian blur of the alternative images (lib/image/gaussian-blur.ts).
 * Written with tfjs's ops it is a mirror pad and a depthwise convolution per
 * axis; on wasm the depthwise convolution of 3-channel images with a
 * 19-tap kernel was 5 % of a masker training step. The onednn engine
 * registers {@link MIRROR_BLUR} with the addon's threaded loop
 * (`onednn/index.ts`); elsewhere gaussianBlur keeps tfjs's ops. The kernel
 * has no gradient, as the blur is a constant with respect to the mask.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmHeapBackend } from './wasm-heap';

/** The kernel's name (the kit's own). Input `x` `[B, H, W, C]` float32; output of its shape. */
export const MIRROR_BLUR = 'SaliencyKitMirrorBlur';

/** Attributes of {@link MIRROR_BLUR}. */
export interface MirrorBlurAttrs {
  /** The 1-D kernel, an odd number of taps, centred; applied along the rows, then the columns. */
  weights: number[];
}

/** Writes the blur of `x` (`shape` NHWC) into `y`. */
export type MirrorBlurLoop = (
  x: Float32Array,
  y: Float32Array,
  weights: Float32Array,
  shape: Int32Array,
) => void;

/** {@link MIRROR_BLUR} for a wasm-heap backend, running `loop` on the tensors in the heap. */
export function mirrorBlurConfig(backendName: string, loop: MirrorBlurLoop): tf.KernelConfig {
  return {
    kernelName: MIRROR_BLUR,
    backendName,
    kernelFunc: ({ inputs, backend: owner, attrs }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const { weights } = attrs as unknown as MirrorBlurAttrs;
      if (x.dtype !== 'float32' || x.shape.length !== 4)
        throw new Error(
          `${MIRROR_BLUR}: x must be a float32 [B, H, W, C] tensor, got ${x.dtype} [${x.shape.join(', ')}]`,
        );
      const backend = owner as WasmHeapBackend;
      const y = backend.makeOutput([...x.shape], 'float32'); // before the views
      loop(
        backend.typedArrayFromHeap(x),
        backend.typedArrayFromHeap(y),
        Float32Array.from(weights),
        Int32Array.from(x.shape),
      );
      return y;
    },
  };
}

/** Whether the current backend has {@link MIRROR_BLUR}. */
export function hasMirrorBlur(): boolean {
  return tf.getKernel(MIRROR_BLUR, tf.getBackend()) !== undefined;
}
