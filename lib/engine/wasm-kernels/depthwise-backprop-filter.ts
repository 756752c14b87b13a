/**
 * `DepthwiseConv2dNativeBackpropFilter` (missing on wasm), tap by tap.
 *
 * For x `[B, H, W, Cin]`, dy `[B, OH, OW, Cin·M]`, stride s, dilation d, padding p:
 *   dF[kh, kw, ci, m] = Σ_{b, oh, ow} xp[b, oh·s + kh·d, ow·s + kw·d, ci] · dy[b, oh, ow, ci·M + m]
 * For each of the KH·KW taps, the strided slice of padded x that the tap reads
 * is multiplied with dy and summed over (b, oh, ow); the taps are then stacked.
 * The work equals that of the forward depthwise convolution.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernel-calls';

export function depthwiseBackpropFilterConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, dilations, pad, dimRoundingMode, filterShape } =
        attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
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
        outHeight: oh,
        outWidth: ow,
      } = info;
      const [b, h, w, cin] = x.shape;
      const m = filterShape[3];
      const needH = (kh - 1) * dh + (oh - 1) * sh + 1;
      const needW = (kw - 1) * dw + (ow - 1) * sw + 1;
      const { top, left } = info.padInfo;
      const xp = calls.padOrCrop(x, [
        [top, needH - h - top],
        [left, needW - w - left],
      ]);
      const dyRows = calls.reshape(dy, [b * oh * ow, cin, m]);
      const taps: tf.TensorInfo[] = [];
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const tap = calls.run(
            'StridedSlice',
            { x: xp },
            {
              begin: [0, i * dh, j * dw, 0],
              end: [b, i * dh + (oh - 1) * sh + 1, j * dw + (ow - 1) * sw + 1, cin],
              strides: [1, sh, sw, 1],
              beginMask: 0,
              endMask: 0,
              ellipsisMask: 0,
              newAxisMask: 0,
              shrinkAxisMask: 0,
            },
          );
          const product = calls.run('Multiply', {
            a: calls.reshape(tap, [b * oh * ow, cin, 1]),
            b: dyRows,
          });
          taps.push(calls.run('Sum', { x: product }, { axis: [0], keepDims: true }));
        }
      }
      const stacked = taps.length === 1 ? taps[0] : calls.run('Concat', taps, { axis: 0 });
      return calls.finish(calls.reshape(stacked, [kh, kw, cin, m]));
    },
  };
}
