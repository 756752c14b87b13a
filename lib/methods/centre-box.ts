/**
 * The "centre box" baseline of Dabkowski & Gal (2017), "Real Time Image
 * Saliency for Black Box Classifiers", §5: a box in the middle of the image,
 * the same for every image and class. It exploits the photographer's bias
 * (objects tend to sit in the centre), so a method that cannot beat it has
 * learned little about the classifier.
 */
import * as tf from '@tensorflow/tfjs';
import { ensureEngine } from '../engine/backend';
import { assertNumber } from '../core/checks';
import type { Box } from '../data/box';
import type { BlackBox } from '../classifiers/black-box';
import { checkSaliencyInputs, emptyMaps } from './inputs';

/** Options of {@link centreBox}. */
export interface CentreBoxConfig {
  /**
   * Box area over image area, in (0, 1]; each side is the image side times
   * √areaFraction, rounded to whole pixels (at least 1). Default 0.5 (a kit choice:
   * the paper does not print the size of its centre box).
   */
  areaFraction: number;
}

/** The defaults of {@link CentreBoxConfig}. */
export const DEFAULT_CENTRE_BOX_CONFIG: Readonly<CentreBoxConfig> = Object.freeze({
  areaFraction: 0.5,
});

/**
 * The centred box covering `areaFraction` of an `height × width` image, in
 * the pixel convention of `lib/data/box.ts` (`x1`/`y1` exclusive).
 */
export function centredBox(height: number, width: number, areaFraction: number): Box {
  assertNumber(areaFraction, (v) => v > 0 && v <= 1, 'areaFraction', 'in (0, 1]');
  const side = (n: number) => Math.min(n, Math.max(1, Math.round(n * Math.sqrt(areaFraction))));
  const [bh, bw] = [side(height), side(width)];
  const y0 = Math.floor((height - bh) / 2);
  const x0 = Math.floor((width - bw) / 2);
  return { x0, y0, x1: x0 + bw, y1: y0 + bh };
}

/**
 * Masks that are 1 inside the centred box and 0 outside.
 * @param images `[B, H, W, C]` in [0, 1] (only the shape is used).
 * @param classes one class per image (checked, otherwise unused).
 * @returns `[B, H, W, 1]` with values in {0, 1} (`[0, H, W, 1]` for an empty batch); the caller disposes it.
 */
export async function centreBox(
  blackBox: BlackBox,
  images: tf.Tensor4D,
  classes: readonly number[],
  options: Partial<CentreBoxConfig> = {},
): Promise<tf.Tensor4D> {
  const { areaFraction } = { ...DEFAULT_CENTRE_BOX_CONFIG, ...options };
  await ensureEngine();
  checkSaliencyInputs('centreBox', blackBox, images, classes);
  const [b, h, w] = images.shape;
  const box = centredBox(h, w, areaFraction);
  if (b === 0) return emptyMaps(images);
  return tf.tidy(() => {
    // [H, W, 1] indicator built from a row and a column indicator, then tiled over the batch.
    const rows = tf.logicalAnd(
      tf.greaterEqual(tf.range(0, h), box.y0),
      tf.less(tf.range(0, h), box.y1),
    );
    const cols = tf.logicalAnd(
      tf.greaterEqual(tf.range(0, w), box.x0),
      tf.less(tf.range(0, w), box.x1),
    );
    const inside = tf.mul(
      tf.reshape(tf.cast(rows, 'float32'), [1, h, 1, 1]),
      tf.reshape(tf.cast(cols, 'float32'), [1, 1, w, 1]),
    );
    return tf.tile(inside, [b, 1, 1, 1]) as tf.Tensor4D;
  });
}
