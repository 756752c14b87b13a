/**
 * `Conv2DBackpropFilter` (the gradient of a 2-D convolution with respect to its
 * filter) for backends that lack it, built from their forward `Conv2D`.
 *
 * For x `[B, H, W, Cin]`, dy `[B, OH, OW, Cout]`, stride s and padding p:
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} xp[b, oh·s + kh, ow·s + kw, ci] · dy[b, oh, ow, co]
 * where xp is x padded by p. Read with the batch axis as channels, this is a
 * 'valid' convolution of xpᵀ `[Cin, Hp, Wp, B]` with the filter dyᵀ
 * `[OH, OW, B, Cout]` at stride 1 and dilation s, whose output
 * `[Cin, KH, KW, Cout]` is transposed back to `[KH, KW, Cin, Cout]`.
 * (tfjs does not differentiate dilated `Conv2D`, so the forward dilation is 1.)
 */
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernel-calls';

export function conv2dBackpropFilterConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      if (dataFormat === 'NCHW') throw new Error(`Conv2DBackpropFilter on ${backendName}: only NHWC data is supported`);
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
      const calls = new KernelCalls(backend as tf.KernelBackend, backendName);
      const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
      const [, h, w] = x.shape;
      // The rows and columns of padded x that some output position reads.
      const needH = kh + (oh - 1) * sh;
      const needW = kw + (ow - 1) * sw;
      const { top, left } = info.padInfo;
      const xp = calls.padOrCrop(x, [[top, needH - h - top], [left, needW - w - left]]);
      const xT = calls.transpose(xp, [3, 1, 2, 0]);
      const dyT = calls.transpose(dy, [1, 2, 0, 3]);
      const dwT = calls.run('Conv2D', { x: xT, filter: dyT }, {
        strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw],
      });
      return calls.finish(calls.transpose(dwT, [1, 2, 0, 3]));
    },
  };
}
