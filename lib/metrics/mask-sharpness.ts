/**
 * Sharpness of saliency masks: how close to binary (keep or remove) a mask
 * is. Dabkowski & Gal (2017), "Real Time Image Saliency for Black Box
 * Classifiers", §3–4, want masks that are "smooth" (TV) yet decide, pixel by
 * pixel, whether evidence is kept; a mask that hovers around 0.5 removes
 * half of everything and explains little. The score is the share of decided
 * pixels,
 *
 *     sharpness(M) = 1 − |{(i, j) : low < M_ij < high}| / (H·W),
 *
 * with low = 0.1 and high = 0.9 by default: 1 for a binary mask (whatever its
 * area, so it does not repeat the mean mask area), 0 for a mask that is
 * undecided everywhere. Measured on the mask as a method returns it (the
 * masker's upsampled mask included, whose soft edges count as undecided).
 */
import * as tf from '@tensorflow/tfjs';
import { assertNumber, assertRange, assertShape } from '../core/checks';

/** Options of {@link maskSharpness}. */
export interface MaskSharpnessConfig {
  /** Values at or below it count as removed; default 0.1. */
  low: number;
  /** Values at or above it count as kept; default 0.9. */
  high: number;
}

/** The defaults of {@link MaskSharpnessConfig}. */
export const DEFAULT_MASK_SHARPNESS_CONFIG: Readonly<MaskSharpnessConfig> = Object.freeze({
  low: 0.1,
  high: 0.9,
});

/**
 * The share of pixels of each mask outside the open interval (low, high).
 * @param masks `[B, H, W, 1]` in [0, 1] (not disposed).
 * @returns B sharpness values in [0, 1] (higher is more binary); an empty array for an empty batch.
 * @throws on a mask that is not `[B, H, W, 1]` or holds a value that is NaN or
 *   outside [0, 1], or unless 0 ≤ low < high ≤ 1.
 */
export function maskSharpness(
  masks: tf.Tensor4D,
  config: Partial<MaskSharpnessConfig> = {},
): number[] {
  const { low, high } = { ...DEFAULT_MASK_SHARPNESS_CONFIG, ...config };
  assertShape(masks, [null, null, null, 1], 'maskSharpness: masks');
  assertNumber(low, (v) => v >= 0, 'maskSharpness: low', '>= 0');
  assertNumber(high, (v) => v > low && v <= 1, 'maskSharpness: high', `in (low = ${low}, 1]`);
  assertRange(masks, 0, 1, `maskSharpness: masks [${masks.shape.join(', ')}]`);
  const [b, h, w] = masks.shape;
  const values = masks.dataSync();
  // Compared in float32, as the mask holds them: a mask value written as 0.1 is then exactly `low`.
  const [lo, hi] = [Math.fround(low), Math.fround(high)];
  return Array.from({ length: b }, (_, i) => {
    let undecided = 0;
    for (let p = i * h * w; p < (i + 1) * h * w; p++)
      if (values[p] > lo && values[p] < hi) undecided++;
    return 1 - undecided / (h * w);
  });
}
