/**
 * Class selectivity of saliency masks, the property Dabkowski & Gal (2017),
 * "Real Time Image Saliency for Black Box Classifiers", §4 build into their
 * masking model (class selector, fake classes): on an image with two items
 * of different classes, the mask for one class should cover that item and
 * leave the other alone, and the mask for a class absent from the image
 * should vanish. Measured here on the two-item Cluttered Fashion-MNIST
 * variant (docs/design.md §3):
 *
 *     mass inside R = Σ_ij M_ij·R_ij / Σ_ij M_ij     (0 for an all-zero mask),
 *
 * for R the requested item's region and the other item's region (box or
 * silhouette), and the mean mask value (AV, `regularisers.ts`) for a fake class.
 */
import * as tf from '@tensorflow/tfjs';
import { assertBox, assertRange, assertShape } from '../core/checks';
import type { Box } from '../data/box';
import { averageArea } from '../paper/regularisers';

/**
 * Rasterises boxes into regions: a pixel is inside a box when its centre is
 * (for integer coordinates, the pixels x0..x1−1 by y0..y1−1; boxes fitted
 * to an image's size, as VOC boxes are, have fractional ones).
 * @param boxes finite coordinates with x0 ≤ x1 and y0 ≤ y1; an empty box (x0 = x1 or y0 = y1) gives an empty region.
 * @returns `[B, H, W]` row-major, 1 inside box b (x1/y1 exclusive, clipped to the image).
 * @throws naming the box that is not finite or not ordered.
 */
export function boxRegions(boxes: readonly Box[], height: number, width: number): Uint8Array {
  boxes.forEach((box, i) => assertBox(box, `boxRegions: boxes[${i}]`, true));
  const regions = new Uint8Array(boxes.length * height * width);
  // Pixel k's centre k + 0.5 lies in [a, b) exactly for k = ⌈a − 0.5⌉ … ⌈b − 0.5⌉ − 1.
  const first = (a: number, size: number) => Math.min(size, Math.max(0, Math.ceil(a - 0.5)));
  boxes.forEach((box, i) => {
    const [x0, x1] = [first(box.x0, width), first(box.x1, width)];
    for (let y = first(box.y0, height); y < first(box.y1, height); y++) {
      if (x1 > x0)
        regions.fill(1, i * height * width + y * width + x0, i * height * width + y * width + x1);
    }
  });
  return regions;
}

/**
 * The fraction of each mask's mass inside a region.
 * @param masks `[B, H, W, 1]` in [0, 1] (not disposed).
 * @param regions `[B, H, W]` row-major, non-zero = inside.
 * @returns B fractions in [0, 1]; an empty array for an empty batch.
 * @throws on masks that are not `[B, H, W, 1]` or hold a value that is NaN or outside [0, 1], or regions of another size.
 */
export function massInside(masks: tf.Tensor4D, regions: ArrayLike<number>): number[] {
  assertShape(masks, [null, null, null, 1], 'massInside: masks');
  const [b, h, w] = masks.shape;
  if (regions.length !== b * h * w)
    throw new Error(
      `massInside: regions have ${regions.length} values, expected B*H*W = ${b}*${h}*${w} = ${b * h * w} for masks [${masks.shape.join(', ')}]`,
    );
  assertRange(masks, 0, 1, `massInside: masks [${masks.shape.join(', ')}]`);
  const values = masks.dataSync();
  return Array.from({ length: b }, (_, i) => {
    let inside = 0;
    let total = 0;
    for (let p = i * h * w; p < (i + 1) * h * w; p++) {
      total += values[p];
      if (regions[p] !== 0) inside += values[p];
    }
    return total > 0 ? inside / total : 0;
  });
}

/** Per-image results of {@link classSelectivity}. */
export interface SelectivityResult {
  /** Mask mass inside the requested item's region (want high). */
  requested: number[];
  /** Mask mass inside the other item's region (want low). */
  other: number[];
}

/**
 * Selectivity of masks computed for one item's class on two-item images.
 * @param masks `[B, H, W, 1]` for the requested classes (not disposed).
 * @param requestedRegions `[B, H, W]` regions of the requested items.
 * @param otherRegions `[B, H, W]` regions of the other items.
 */
export function classSelectivity(
  masks: tf.Tensor4D,
  requestedRegions: ArrayLike<number>,
  otherRegions: ArrayLike<number>,
): SelectivityResult {
  return { requested: massInside(masks, requestedRegions), other: massInside(masks, otherRegions) };
}

/**
 * Mean mask value per image, for masks asked for an absent (fake) class: a
 * class-selective method gives ≈ 0.
 * @param masks `[B, H, W, 1]` in [0, 1] (not disposed).
 * @returns B areas; an empty array for an empty batch.
 * @throws on a mask that is not `[B, H, W, 1]` or holds a value that is NaN or outside [0, 1].
 */
export function meanMaskArea(masks: tf.Tensor4D): number[] {
  assertShape(masks, [null, null, null, 1], 'meanMaskArea: masks');
  assertRange(masks, 0, 1, `meanMaskArea: masks [${masks.shape.join(', ')}]`);
  return tf.tidy(() => Array.from(averageArea(masks, { checkRange: false }).dataSync()));
}
