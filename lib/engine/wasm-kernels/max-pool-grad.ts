/**
 * `MaxPoolGrad` for the wasm backend, as one pass in JavaScript. wasm's own
 * kernel runs far slower than its max pool and took a fifth to two fifths of
 * a training step (`results/bench-models.json`). Composing it from wasm's
 * element-wise kernels was slower still, so this kernel reads
 * the three inputs once and, per output pixel, lists the window's in-bounds
 * input offsets once (row-major); per channel the gradient goes to the first
 * of them whose value equals the pool's output (ties go to the first
 * maximum, as in tfjs's cpu kernel), and the scan stops there. Padding
 * positions are never chosen.
 *
 * Measured against wasm's own kernel on [32, 32, 32, 32] ('same', busy
 * machine, ms): 2×2/2: 60 → 15–20; 3×3/1: 218 → 69. The previous version of
 * this kernel, which visited every tap of every channel, took 20 and 158.
 */
import * as tf from '@tensorflow/tfjs';

export function maxPoolGradConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'MaxPoolGrad',
    backendName,
    kernelFunc: ({ inputs, backend: owner, attrs }) => {
      const backend = owner as tf.KernelBackend;
      const { dy, input, output } = inputs as {
        dy: tf.TensorInfo;
        input: tf.TensorInfo;
        output: tf.TensorInfo;
      };
      const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
      const info = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        filterSize,
        strides,
        1,
        pad,
        dimRoundingMode,
      );
      const {
        filterHeight: kh,
        filterWidth: kw,
        strideHeight: sh,
        strideWidth: sw,
        outHeight: oh,
        outWidth: ow,
      } = info;
      const { top, left } = info.padInfo;
      const [b, h, w, c] = input.shape;
      const x = backend.readSync(input.dataId) as Float32Array;
      const y = backend.readSync(output.dataId) as Float32Array;
      const g = backend.readSync(dy.dataId) as Float32Array;
      const dx = new Float32Array(b * h * w * c);
      const taps = new Int32Array(kh * kw);
      for (let n = 0; n < b; n++) {
        for (let oy = 0; oy < oh; oy++) {
          for (let ox = 0; ox < ow; ox++) {
            // Offsets of the window's pixels inside the input, in row-major order (padding skipped).
            let count = 0;
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * sh + ky - top;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * sw + kx - left;
                if (ix >= 0 && ix < w) taps[count++] = ((n * h + iy) * w + ix) * c;
              }
            }
            const out = ((n * oh + oy) * ow + ox) * c;
            for (let k = 0; k < c; k++) {
              const max = y[out + k];
              for (let t = 0; t < count; t++) {
                const at = taps[t] + k;
                if (x[at] === max) {
                  dx[at] += g[out + k];
                  break;
                }
              }
            }
          }
        }
      }
      return {
        dataId: backend.write(dx, input.shape, 'float32'),
        shape: input.shape,
        dtype: 'float32',
      };
    },
  };
}
