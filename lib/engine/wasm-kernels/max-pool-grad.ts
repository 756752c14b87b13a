/**
 * `MaxPoolGrad` for the wasm backend, as one pass in JavaScript. wasm's own
 * kernel runs 20–40× slower than its max pool and took 20 % (plain net) to
 * 41 % (inception net) of a training step (`results/bench-models.json`).
 * Composing it from wasm's element-wise kernels was slower still (its
 * `StridedSlice` alone takes ~100 ms on a 1M-value map), so this kernel reads
 * the three inputs once and loops over windows with channels innermost
 * (contiguous in NHWC): per output pixel and channel, the gradient goes to
 * the first input in the window, in row-major order, that equals the pool's
 * output (ties go to the first maximum, as in tfjs's cpu kernel; the taps are
 * visited last to first, each overwriting the choice). Padding positions are
 * never chosen.
 *
 * Measured against wasm's own kernel on [32, 32, 32, 32] ('same', busy
 * machine, ms): 2×2/2: 60 → 41–54; 3×3/1: 218 → 145–176; 3×3/2: 110 → 43–59.
 */
import * as tf from '@tensorflow/tfjs';

export function maxPoolGradConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'MaxPoolGrad',
    backendName,
    kernelFunc: ({ inputs, backend: owner, attrs }) => {
      const backend = owner as tf.KernelBackend;
      const { dy, input, output } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo; output: tf.TensorInfo };
      const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
      const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
      const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
      const { top, left } = info.padInfo;
      const [b, h, w, c] = input.shape;
      const x = backend.readSync(input.dataId) as Float32Array;
      const y = backend.readSync(output.dataId) as Float32Array;
      const g = backend.readSync(dy.dataId) as Float32Array;
      const dx = new Float32Array(b * h * w * c);
      const chosen = new Int32Array(c);
      for (let n = 0; n < b; n++) {
        for (let oy = 0; oy < oh; oy++) {
          for (let ox = 0; ox < ow; ox++) {
            const out = ((n * oh + oy) * ow + ox) * c;
            chosen.fill(-1);
            // Taps in reverse row-major order, each overwriting: the first maximum is written last.
            for (let ky = kh - 1; ky >= 0; ky--) {
              const iy = oy * sh + ky - top;
              if (iy < 0 || iy >= h) continue;
              for (let kx = kw - 1; kx >= 0; kx--) {
                const ix = ox * sw + kx - left;
                if (ix < 0 || ix >= w) continue;
                const at = ((n * h + iy) * w + ix) * c;
                for (let k = 0; k < c; k++) if (x[at + k] === y[out + k]) chosen[k] = at + k;
              }
            }
            for (let k = 0; k < c; k++) if (chosen[k] >= 0) dx[chosen[k]] += g[out + k];
          }
        }
      }
      return { dataId: backend.write(dx, input.shape, 'float32'), shape: input.shape, dtype: 'float32' };
    },
  };
}
