/**
 * Separable Gaussian blur of an image batch, the blurred alternative image A
 * of Dabkowski & Gal (2017), "Real Time Image Saliency for Black Box
 * Classifiers", §3 (σ = 10 px at 224×224).
 *
 * Borders use mirror ("reflect") extension, x[-k] = x[k], so a blurred border
 * keeps the brightness of the image instead of fading towards a zero pad.
 * Radii longer than the image are handled exactly: the extension is built by
 * reflecting repeatedly (each step reflects about a mirror point of the
 * infinite mirror extension, whose period is 2·(n − 1)), so no radius is ever
 * clamped and the kernel is never truncated.
 */
import * as tf from '@tensorflow/tfjs';
import { assertNumber, assertRank } from '../core/checks';
import { hasMirrorBlur, MIRROR_BLUR, MirrorBlurAttrs } from '../engine/mirror-blur';

/** Options of {@link gaussianBlur}. */
export interface GaussianBlurOptions {
  /** Half-width of the kernel in pixels (kernel length 2r + 1). Default: `ceil(3σ)`. */
  radius?: number;
}

/**
 * The normalised 1-D Gaussian kernel w_k ∝ exp(−k² / 2σ²), k = −r..r.
 * @param sigma standard deviation in pixels, > 0.
 * @param radius half-width r, an integer ≥ 0; default `ceil(3σ)`.
 * @returns `2r + 1` weights summing to 1 (a plain array, nothing to dispose).
 */
export function gaussianKernel1d(sigma: number, radius = Math.ceil(3 * sigma)): Float32Array {
  assertNumber(sigma, (v) => v > 0, 'sigma', 'a positive number of pixels');
  assertNumber(radius, (v) => Number.isInteger(v) && v >= 0, 'radius', 'an integer >= 0');
  const weights = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let k = -radius; k <= radius; k++) {
    weights[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
    total += weights[k + radius];
  }
  return Float32Array.from(weights, (w) => w / total);
}

/**
 * Extends `x` by `pad` mirrored pixels on both sides of `axis` (1 = rows, 2 = columns).
 * Each step reflects by at most n − 1 pixels (what `mirrorPad` allows); the
 * first step pads by n − 1 when more is needed, so every later step starts at a
 * mirror point and the result equals the infinite mirror extension.
 */
function mirrorExtend(x: tf.Tensor4D, axis: 1 | 2, pad: number): tf.Tensor4D {
  let out = x;
  let left = pad;
  while (left > 0) {
    const step = Math.min(left, out.shape[axis] - 1);
    const paddings: [number, number][] = [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
    paddings[axis] = [step, step];
    out = tf.mirrorPad(out, paddings, 'reflect');
    left -= step;
  }
  return out;
}

/**
 * Blurs every channel of every image with a Gaussian of standard deviation
 * `sigma` pixels: one depthwise convolution along rows, then one along columns,
 * each on a mirror-extended input ('valid' padding), so the output has the
 * input's shape. On the onednn engine both passes are one native kernel
 * (lib/engine/mirror-blur.ts; the same sums in another order, float rounding apart).
 *
 * Gradients: the blur is meant as a fixed alternative image A (a constant with
 * respect to the mask); tfjs's `mirrorPad` gradient ignores the reflected
 * pixels and the onednn engine's kernel has none, so do not differentiate
 * through it with respect to `images`.
 *
 * @param images `[B, H, W, C]`, any values.
 * @param sigma standard deviation in pixels, ≥ 0 (0 returns a copy).
 * @returns `[B, H, W, C]`, the blurred batch; the caller disposes it. An
 *   empty batch gives `[0, H, W, C]` (tfjs's `mirrorPad` rejects an empty axis).
 */
export function gaussianBlur(
  images: tf.Tensor4D,
  sigma: number,
  options: GaussianBlurOptions = {},
): tf.Tensor4D {
  assertRank(images, 4, 'images');
  assertNumber(sigma, (v) => v >= 0, 'sigma', 'a number of pixels >= 0');
  if (sigma === 0 || images.shape[0] === 0) return images.clone();
  const weights = gaussianKernel1d(sigma, options.radius);
  const radius = (weights.length - 1) / 2;
  const channels = images.shape[3];
  if (hasMirrorBlur() && images.dtype === 'float32' && images.size > 0) {
    const attrs: MirrorBlurAttrs = { weights: Array.from(weights) };
    return tf
      .engine()
      .runKernel(MIRROR_BLUR, { x: images }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    // Depthwise filters [kh, kw, C, 1]: the same 1-D kernel for every channel.
    const column = tf.tile(tf.tensor4d(weights, [weights.length, 1, 1, 1]), [
      1,
      1,
      channels,
      1,
    ]) as tf.Tensor4D;
    const row = column.reshape([1, weights.length, channels, 1]) as tf.Tensor4D;
    let out = images;
    // An axis of length 1 is constant under mirror extension: the blur leaves it unchanged.
    if (images.shape[1] > 1) {
      out = tf.depthwiseConv2d(mirrorExtend(out, 1, radius), column, 1, 'valid');
    }
    if (images.shape[2] > 1) {
      out = tf.depthwiseConv2d(mirrorExtend(out, 2, radius), row, 1, 'valid');
    }
    return out === images ? images.clone() : out;
  });
}
