/**
 * Input checks and small helpers shared by every saliency method of
 * `lib/methods/`: one place that says what a method accepts, so that all of
 * them reject bad input with the same messages.
 */
import * as tf from '@tensorflow/tfjs';
import { assertClassIndices, assertRange, assertRank } from '../core/checks';
import { warnOnSlowBackend } from '../engine/backend';
import { assertImagesFor, BlackBox } from '../classifiers/black-box';

/**
 * Throws unless `images` is `[B, H, W, C]` with `[H, W] = blackBox.inputSize`,
 * C a channel count the black box takes, values in [0, 1], and `classes` holds B valid
 * class indices of the black box. Reads the images' min, max and NaN count
 * (one small download). Every message starts with `method`, the caller's name.
 * An empty batch (B = 0) passes: the methods return `[0, H, W, 1]` for it ({@link emptyMaps}).
 * Warns once when tfjs runs on the slow `cpu` backend the kit did not choose.
 */
export function checkSaliencyInputs(
  method: string,
  blackBox: BlackBox,
  images: tf.Tensor4D,
  classes: readonly number[],
): void {
  warnOnSlowBackend();
  assertRank(images, 4, `${method}: images`);
  const [b] = images.shape;
  assertImagesFor(blackBox, images, `${method}: images for black box "${blackBox.name}"`, b);
  if (classes.length !== b)
    throw new Error(
      `${method}: classes has ${classes.length} entries but images [${images.shape.join(', ')}] hold ${b}`,
    );
  assertClassIndices(classes, blackBox.classNames.length, `${method}: class index`);
  assertRange(images, 0, 1, `${method}: images [${images.shape.join(', ')}]`);
}

/**
 * The maps of an empty batch, `[0, H, W, 1]` for images `[0, H, W, C]`: what
 * every method returns for B = 0 without running the black box.
 * @returns a new tensor; the caller disposes it.
 */
export function emptyMaps(images: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = images.shape;
  return tf.zeros([0, h, w, 1]);
}

/**
 * The probability of one class per row: `out[n] = probs[n, classes[n]]`.
 * @param probs `[N, K]`.
 * @param classes N class indices (not checked here: callers check them first).
 * @returns `[N]`; the caller disposes it. Differentiable with respect to `probs`.
 */
export function classProbability(probs: tf.Tensor2D, classes: readonly number[]): tf.Tensor1D {
  return tf.tidy(() =>
    tf.sum(tf.mul(probs, tf.oneHot(tf.tensor1d(classes as number[], 'int32'), probs.shape[1])), 1),
  );
}
