/**
 * Boxes from masks, for the saliency metric and the localisation protocol of
 * Dabkowski & Gal (2017), "Real Time Image Saliency for Black Box
 * Classifiers", §5: the tightest rectangle around the salient region, and the
 * intersection over union used to score it against a ground-truth box.
 *
 * Boxes follow `lib/data/box.ts`: pixels, origin top-left, `x1`/`y1` exclusive.
 */
import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../checks';
import { Box, tightBox } from '../data/box';

/** Options of {@link boxesFromMasks}. */
export interface BoxFromMaskConfig {
  /** A pixel is salient when its mask value is strictly above this; default 0.5. */
  threshold: number;
}

/** The defaults of {@link BoxFromMaskConfig}. */
export const DEFAULT_BOX_FROM_MASK_CONFIG: Readonly<BoxFromMaskConfig> = Object.freeze({ threshold: 0.5 });

/**
 * The tightest box around the pixels with mask > threshold, per image.
 * @param masks `[B, H, W, 1]` (not disposed).
 * @returns one box per image, `null` where no pixel passes the threshold.
 */
export function boxesFromMasks(masks: tf.Tensor4D, config: Partial<BoxFromMaskConfig> = {}): (Box | null)[] {
  assertShape(masks, [null, null, null, 1], 'masks');
  const { threshold } = { ...DEFAULT_BOX_FROM_MASK_CONFIG, ...config };
  const [b, h, w] = masks.shape;
  const above = tf.tidy(() => tf.greater(masks, threshold).dataSync());
  return Array.from({ length: b }, (_, i) => tightBox(above.subarray(i * h * w, (i + 1) * h * w), h, w));
}

/** The number of pixels a box covers. */
export function boxArea(box: Box): number {
  return Math.max(0, box.x1 - box.x0) * Math.max(0, box.y1 - box.y0);
}

/** Intersection over union of two boxes, in [0, 1]; 0 when both are empty. */
export function boxIoU(a: Box, b: Box): number {
  const inter = boxArea({ x0: Math.max(a.x0, b.x0), y0: Math.max(a.y0, b.y0), x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1) });
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}
