/**
 * `Conv2DBackpropInput` (the gradient of a 2-D convolution with respect to its
 * input, and the forward pass of a transposed convolution) as one forward
 * `Conv2D`, which XNNPACK runs far faster than wasm's own backprop kernel.
 *
 * For dy `[B, OH, OW, Cout]`, filter W `[KH, KW, Cin, Cout]`, stride s, padding p:
 *   dx[b, h, w, ci] = Σ_{kh, kw, co} dyₛ[b, h + p_top − kh, w + p_left − kw, co] · W[kh, kw, ci, co]
 * where dyₛ is dy with s − 1 zeros inserted between its rows and columns.
 * With the filter flipped in space and its channel axes swapped,
 * W'[kh, kw, co, ci] = W[KH−1−kh, KW−1−kw, ci, co], this is a 'valid'
 * stride-1 convolution of dyₛ padded by KH−1−p_top on top (and so that the
 * output has H rows; negative amounts crop).
 */
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernel-calls';

export function conv2dBackpropInputConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
      if (dataFormat === 'NCHW') throw new Error(`Conv2DBackpropInput on ${backendName}: only NHWC data is supported`);
      const info = tf.backend_util.computeConv2DInfo(
        inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
      const calls = new KernelCalls(backend as tf.KernelBackend, backendName);
      const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
      const [, h, w] = inputShape;
      const dyS = calls.dilateSpatial(dy, [sh, sw]);
      const top = kh - 1 - info.padInfo.top;
      const left = kw - 1 - info.padInfo.left;
      const padded = calls.padOrCrop(dyS, [
        [top, h + kh - 1 - top - dyS.shape[1]],
        [left, w + kw - 1 - left - dyS.shape[2]],
      ]);
      const flipped = calls.transpose(calls.run('Reverse', { x: filter }, { dims: [0, 1] }), [0, 1, 3, 2]);
      return calls.finish(calls.run('Conv2D', { x: padded, filter: flipped }, {
        strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1],
      }));
    },
  };
}
