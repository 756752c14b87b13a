/**
 * Boxes from masks, for the saliency metric and the localisation protocol of
 * Dabkowski & Gal (2017), "Real Time Image Saliency for Black Box
 * Classifiers", §5: the tightest rectangle around the salient region, and the
 * intersection over union used to score it against a ground-truth box.
 *
 * Boxes follow `lib/data/box.ts`: pixels, origin top-left, `x1`/`y1` exclusive.
 */
import * as tf from '@tensorflow/tfjs';
import { RangeCheckOption, assertNumber, assertRange, assertShape } from '../core/checks';
import { Box, tightBox } from '../data/box';

/** Options of {@link boxesFromMasks}. */
export interface BoxFromMaskConfig {
  /** A pixel is salient when its mask value is strictly above this; default 0.5. */
  threshold: number;
}

/** The defaults of {@link BoxFromMaskConfig}. */
export const DEFAULT_BOX_FROM_MASK_CONFIG: Readonly<BoxFromMaskConfig> = Object.freeze({
  threshold: 0.5,
});

/**
 * The tightest box around the pixels with mask > threshold, per image.
 * @param masks `[B, H, W, 1]` in [0, 1] (not disposed).
 * @param config the threshold, in [0, 1), plus `checkRange` (default true:
 *   check the mask values, one small read-back; the crop metric, which checked them already, skips it).
 * @returns one box per image, `null` where no pixel passes the threshold; an empty array for an empty batch.
 * @throws on a mask that is not `[B, H, W, 1]`, a mask value that is NaN or outside [0, 1], or a threshold outside [0, 1).
 */
export function boxesFromMasks(
  masks: tf.Tensor4D,
  config: Partial<BoxFromMaskConfig> & RangeCheckOption = {},
): (Box | null)[] {
  assertShape(masks, [null, null, null, 1], 'boxesFromMasks: masks');
  const { threshold, checkRange = true } = { ...DEFAULT_BOX_FROM_MASK_CONFIG, ...config };
  assertNumber(threshold, (v) => v >= 0 && v < 1, 'boxesFromMasks: threshold', 'in [0, 1)');
  if (checkRange) assertRange(masks, 0, 1, `boxesFromMasks: masks [${masks.shape.join(', ')}]`);
  const [b, h, w] = masks.shape;
  const above = tf.tidy(() => tf.greater(masks, threshold).dataSync());
  return Array.from({ length: b }, (_, i) =>
    tightBox(above.subarray(i * h * w, (i + 1) * h * w), h, w),
  );
}

/** The number of pixels a box covers. */
export function boxArea(box: Box): number {
  return Math.max(0, box.x1 - box.x0) * Math.max(0, box.y1 - box.y0);
}

/** Intersection over union of two boxes, in [0, 1]; 0 when both are empty. */
export function boxIoU(a: Box, b: Box): number {
  const inter = boxArea({
    x0: Math.max(a.x0, b.x0),
    y0: Math.max(a.y0, b.y0),
    x1: Math.min(a.x1, b.x1),
    y1: Math.min(a.y1, b.y1),
  });
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}
