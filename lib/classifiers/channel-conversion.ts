/**
 * Grey ↔ RGB conversion of images, so that a black box accepts either kind
 * whatever its model takes: RGB → grey by luminance (the ITU-R BT.601 weights
 * PIL and OpenCV use), grey → RGB by repeating the channel. Both are linear
 * tf ops, so gradients flow through them to the images.
 */
import * as tf from '@tensorflow/tfjs';
import { LUMA_WEIGHTS } from '../image/luma';

/** The channel counts converted into each other: grey (1) and RGB (3). */
export const CONVERTIBLE_CHANNELS: readonly number[] = Object.freeze([1, 3]);

/**
 * The channel counts a model taking `channels` accepts with conversion:
 * both grey and RGB (its own first) for a grey or RGB model, else its own only.
 */
export function channelsAcceptedBy(channels: number): readonly number[] {
  return CONVERTIBLE_CHANNELS.includes(channels)
    ? [channels, ...CONVERTIBLE_CHANNELS.filter((c) => c !== channels)]
    : [channels];
}

/**
 * `images` with `channels` channels.
 * @param images `[B, H, W, C]`, C = `channels` or, when both are grey or RGB, the other of the two.
 * @returns `[B, H, W, channels]`: `images` itself when C = `channels`, else a new
 *   tensor; the caller disposes what is not `images`. Differentiable in `images`.
 * @throws naming both counts when they are not grey and RGB.
 */
export function convertChannels(images: tf.Tensor4D, channels: number): tf.Tensor4D {
  const from = images.shape[3];
  if (from === channels) return images;
  if (from === 3 && channels === 1)
    return tf.tidy(() => tf.sum(tf.mul(images, tf.tensor1d([...LUMA_WEIGHTS])), 3, true));
  if (from === 1 && channels === 3) return tf.tile(images, [1, 1, 1, 3]);
  throw new Error(
    `cannot convert images with ${from} channels to ${channels}: only grey (1) and RGB (3) convert into each other`,
  );
}
