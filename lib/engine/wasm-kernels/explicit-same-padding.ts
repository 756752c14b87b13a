/**
 * wasm's convolutions with `'same'` padding, passed on as the explicit pads
 * tfjs computes for it. wasm hands a `'same'` convolution to XNNPACK with its
 * TensorFlow-SAME flag, and XNNPACK then derives the pads itself: where the
 * stride exceeds the kernel so that TensorFlow's total padding
 * `(out − 1)·stride + kernel − in` is negative (e.g. a 2×2 kernel, stride 3,
 * on 9 pixels), XNNPACK's result differs from TensorFlow's definition (found
 * by the kit's kernel fuzzer against the cpu backend). With the pads given
 * explicitly, the same kernels agree with it.
 */
import * as tf from '@tensorflow/tfjs';

/** The convolution kernels this applies to, and whether each is depthwise. */
const SAME_PADDED_KERNELS = {
  Conv2D: false,
  FusedConv2D: false,
  DepthwiseConv2dNative: true,
  FusedDepthwiseConv2D: true,
} as const;
export type SamePaddedKernel = keyof typeof SAME_PADDED_KERNELS;
export const SAME_PADDED_KERNEL_NAMES = Object.keys(SAME_PADDED_KERNELS) as SamePaddedKernel[];

/** `kernel` for `backendName` with `'same'` NHWC padding rewritten to explicit pads before `own` (wasm's kernel) runs. */
export function explicitSamePaddingConfig(
  kernelName: SamePaddedKernel,
  backendName: string,
  own: tf.KernelFunc,
): tf.KernelConfig {
  return {
    kernelName,
    backendName,
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as tf.Conv2DAttrs & {
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
      };
      const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      if (attrs.pad !== 'same' || (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC'))
        return own(args);
      const { padInfo } = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filter.shape as [number, number, number, number],
        attrs.strides,
        attrs.dilations ?? 1,
        'same',
        attrs.dimRoundingMode,
        SAME_PADDED_KERNELS[kernelName],
      );
      const pad = [
        [0, 0],
        [padInfo.top, padInfo.bottom],
        [padInfo.left, padInfo.right],
        [0, 0],
      ];
      return own({
        ...args,
        attrs: { ...args.attrs, pad, dimRoundingMode: undefined } as unknown as tf.NamedAttrMap,
      });
    },
  };
}
