/**
 * `Conv2DBackpropFilter` (the gradient of a 2-D convolution with respect to its
 * filter) for backends that lack it, built from their forward kernels.
 *
 * For x `[B, H, W, Cin]`, dy `[B, OH, OW, Cout]`, stride s and padding p:
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} xp[b, oh·s + kh, ow·s + kw, ci] · dy[b, oh, ow, co]
 * where xp is x padded by p. Two formulations, picked by the filter's fan-in
 * K = KH·KW·Cin and the stride ({@link usesMatMul}):
 *
 * - K ≤ {@link MATMUL_MAX_FAN_IN} (stems on RGB, thin 1×1 convolutions), or
 *   any strided 1×1 convolution (the projection shortcuts): one
 *   matrix product colsᵀ `[K, N]` × dy `[N, Cout]`, N = B·OH·OW, whose result
 *   is already dW's layout. colsᵀ (the input patches, transposed) is written in
 *   one JavaScript pass, which costs about K·N copies: cheap while K is small.
 * - Otherwise, read with the batch axis as channels, dW is a 'valid'
 *   convolution of xpᵀ `[Cin, Hp, Wp, B]` with the filter dyᵀ
 *   `[OH, OW, B, Cout]` at stride 1 and dilation s, whose output
 *   `[Cin, KH, KW, Cout]` is transposed back to `[KH, KW, Cin, Cout]`.
 *
 * Measured on wasm, batch 64, one formulation against the other in the same
 * process (ms, convolution → matrix product; the other core busy, so ±30 %):
 * 1×1×16→32 /2 on 32×32: 49 → 12; 1×1×32→64 /2 on 16×16: 16 → 6.5;
 * 1×1×64→128 /2 on 8×8: 4.9 → 2.8; 1×1×16→· /1 on 16×16: 9–10 → 6–7;
 * stem 3×3×3→16 /2 on 64×64: 46–54 → 33–47; but 1×1×64→· /1 on 8×8:
 * 4–6 → 5–7 and 3×3×16→32 /2 (K = 144): 30 → 46, hence the rule.
 * (tfjs does not differentiate dilated `Conv2D`, so the forward dilation is 1.)
 */
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernel-calls';

type Info = tf.TensorInfo;

/** Largest fan-in KH·KW·Cin for which the matrix-product formulation is always used. */
export const MATMUL_MAX_FAN_IN = 32;

/** Whether the filter gradient of this convolution is computed as one matrix product (see the file's comment). */
export function usesMatMul(info: tf.backend_util.Conv2DInfo): boolean {
  const pointwise = info.filterHeight === 1 && info.filterWidth === 1;
  const strided = info.strideHeight > 1 || info.strideWidth > 1;
  return info.filterHeight * info.filterWidth * info.inChannels <= MATMUL_MAX_FAN_IN || (pointwise && strided);
}

/** colsᵀ `[KH·KW·Cin, B·OH·OW]`: row (kh, kw, ci) holds xp[b, oh·s + kh, ow·s + kw, ci] for every output position. */
function transposedPatches(x: Float32Array, [b, h, w, cin]: number[], info: tf.backend_util.Conv2DInfo): Float32Array {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  const n = b * oh * ow;
  const out = new Float32Array(kh * kw * cin * n);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let ci = 0; ci < cin; ci++) {
        let to = ((i * kw + j) * cin + ci) * n;
        for (let bb = 0; bb < b; bb++) {
          for (let y = 0; y < oh; y++, to += ow) {
            const iy = y * sh + i - top;
            if (iy < 0 || iy >= h) continue;
            const row = (bb * h + iy) * w;
            for (let z = 0; z < ow; z++) {
              const ix = z * sw + j - left;
              if (ix >= 0 && ix < w) out[to + z] = x[(row + ix) * cin + ci];
            }
          }
        }
      }
    }
  }
  return out;
}

function viaMatMul(calls: KernelCalls, x: Info, dy: Info, info: tf.backend_util.Conv2DInfo, filterShape: number[]): Info {
  const n = info.batchSize * info.outHeight * info.outWidth;
  const fanIn = info.filterHeight * info.filterWidth * info.inChannels;
  const cols = calls.write(transposedPatches(calls.readFloats(x), x.shape, info), [1, fanIn, n]);
  const product = calls.run('BatchMatMul', { a: cols, b: calls.reshape(dy, [1, n, info.outChannels]) }, { transposeA: false, transposeB: false });
  return calls.reshape(product, filterShape);
}

function viaConvolution(calls: KernelCalls, x: Info, dy: Info, info: tf.backend_util.Conv2DInfo): Info {
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
  return calls.transpose(dwT, [1, 2, 0, 3]);
}

export function conv2dBackpropFilterConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: Info; dy: Info };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      if (dataFormat === 'NCHW') throw new Error(`Conv2DBackpropFilter on ${backendName}: only NHWC data is supported`);
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
      const calls = new KernelCalls(backend as tf.KernelBackend, backendName);
      const dw = usesMatMul(info) ? viaMatMul(calls, x, dy, info, filterShape) : viaConvolution(calls, x, dy, info);
      return calls.finish(dw);
    },
  };
}
