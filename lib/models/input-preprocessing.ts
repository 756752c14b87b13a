/**
 * How a loaded model wants its input. The kit's images are always in [0, 1];
 * a model trained elsewhere may expect [-1, 1], [0, 255] or per-channel
 * standardisation (ImageNet mean and std). Preprocessing maps one to the other
 * inside the black box, so gradients flow through it.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * `range`: x ↦ min + (max − min)·x maps [0, 1] onto [min, max].
 * `meanStd`: x ↦ (x − mean_c) / std_c per channel (values for [0, 1] input).
 */
export type InputPreprocessing =
  | { kind: 'range'; min: number; max: number }
  | { kind: 'meanStd'; mean: readonly number[]; std: readonly number[] };

/** The identity: the model takes [0, 1]. */
export const DEFAULT_PREPROCESSING: InputPreprocessing = Object.freeze({ kind: 'range', min: 0, max: 1 });

/** Throws, naming the problem, unless `p` is usable with `channels` input channels. */
export function checkPreprocessing(p: InputPreprocessing, channels: number): void {
  if (p.kind === 'range') {
    if (!(Number.isFinite(p.min) && Number.isFinite(p.max) && p.min !== p.max)) {
      throw new Error(`range preprocessing needs finite min ≠ max, got min=${p.min}, max=${p.max}`);
    }
  } else if (p.kind === 'meanStd') {
    if (p.mean.length !== channels || p.std.length !== channels) {
      throw new Error(`meanStd preprocessing needs ${channels} means and stds (one per channel), got ${p.mean.length} and ${p.std.length}`);
    }
    if (!p.std.every((s) => Number.isFinite(s) && s > 0)) throw new Error(`meanStd preprocessing needs positive stds, got [${p.std.join(', ')}]`);
  } else {
    throw new Error(`preprocessing kind must be 'range' or 'meanStd', got '${String((p as { kind: unknown }).kind)}'`);
  }
}

/**
 * Applies `p` to images in [0, 1].
 * @param images `[B, H, W, C]`.
 * @returns `[B, H, W, C]`; the caller disposes it (it may be `images` itself for the identity range).
 */
export function preprocess(images: tf.Tensor4D, p: InputPreprocessing): tf.Tensor4D {
  if (p.kind === 'range') {
    if (p.min === 0 && p.max === 1) return images;
    return tf.tidy(() => tf.add(tf.mul(images, p.max - p.min), p.min));
  }
  return tf.tidy(() => tf.div(tf.sub(images, tf.tensor1d([...p.mean])), tf.tensor1d([...p.std])));
}
