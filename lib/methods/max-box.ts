/**
 * The "max box" baseline of Dabkowski & Gal (2017), "Real Time Image Saliency
 * for Black Box Classifiers", §5: the whole image is salient. Under the crop
 * metric it scores s = log 1 − log p(x), the classifier's own confidence, so
 * any useful method must beat it.
 */
import * as tf from '@tensorflow/tfjs';
import { ensureEngine } from '../engine/backend';
import type { BlackBox } from '../classifiers/black-box';
import { checkSaliencyInputs, emptyMaps } from './inputs';

/** The max box has no options. */
export type MaxBoxConfig = Record<string, never>;

/**
 * Masks of ones.
 * @param images `[B, H, W, C]` in [0, 1] (only the shape is used).
 * @param classes one class per image (checked, otherwise unused).
 * @returns `[B, H, W, 1]` of ones (`[0, H, W, 1]` for an empty batch); the caller disposes it.
 */
export async function maxBox(
  blackBox: BlackBox,
  images: tf.Tensor4D,
  classes: readonly number[],
  _options: Partial<MaxBoxConfig> = {},
): Promise<tf.Tensor4D> {
  await ensureEngine();
  checkSaliencyInputs('maxBox', blackBox, images, classes);
  if (images.shape[0] === 0) return emptyMaps(images);
  const [b, h, w] = images.shape;
  return tf.ones([b, h, w, 1]);
}
