/**
 * `DepthwiseConv2dNativeBackpropInput` (missing on wasm) as one forward
 * depthwise convolution.
 *
 * For dy `[B, OH, OW, Cin·M]`, filter F `[KH, KW, Cin, M]`, stride s, dilation d
 * (one of them 1) and padding p:
 *   dx[b, h, w, ci] = Σ_{m, kh, kw} dyₛ[b, h + p_top − kh·d, w + p_left − kw·d, ci·M + m] · F[kh, kw, ci, m]
 * with dyₛ = dy with s − 1 zeros between rows and columns. Padding dyₛ by
 * (KH−1)·d − p_top on top and flipping F in space turns this into a 'valid'
 * depthwise convolution with dilation d over the Cin·M channels (multiplier 1),
 * whose output `[B, H, W, Cin, M]` is summed over m.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernel-calls';

export function depthwiseBackpropInputConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const { strides, dilations, pad, dimRoundingMode, inputShape } =
        attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
      const filterShape = filter.shape as [number, number, number, number];
      const info = tf.backend_util.computeConv2DInfo(
        inputShape,
        filterShape,
        strides,
        dilations,
        pad,
        dimRoundingMode,
        true,
      );
      const calls = new KernelCalls(backend as tf.KernelBackend, backendName);
      const {
        filterHeight: kh,
        filterWidth: kw,
        strideHeight: sh,
        strideWidth: sw,
        dilationHeight: dh,
        dilationWidth: dw,
      } = info;
      const [b, h, w, cin] = inputShape;
      const m = filterShape[3];
      const dyS = calls.dilateSpatial(dy, [sh, sw]);
      const top = (kh - 1) * dh - info.padInfo.top;
      const left = (kw - 1) * dw - info.padInfo.left;
      const padded = calls.padOrCrop(dyS, [
        [top, h + (kh - 1) * dh - top - dyS.shape[1]],
        [left, w + (kw - 1) * dw - left - dyS.shape[2]],
      ]);
      const flipped = calls.reshape(calls.run('Reverse', { x: filter }, { dims: [0, 1] }), [
        kh,
        kw,
        cin * m,
        1,
      ]);
      const perChannel = calls.run(
        'DepthwiseConv2dNative',
        { x: padded, filter: flipped },
        {
          strides: [1, 1],
          pad: 'valid',
          dilations: [dh, dw],
        },
      );
      if (m === 1) return calls.finish(perChannel);
      const summed = calls.run(
        'Sum',
        { x: calls.reshape(perChannel, [b, h, w, cin, m]) },
        { axis: [4], keepDims: false },
      );
      return calls.finish(summed);
    },
  };
}
