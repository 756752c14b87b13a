/**
 * The pointing game of Zhang et al. (2016), "Top-down Neural Attention by
 * Excitation Backprop", as TorchRay's benchmark runs it: a map scores a hit
 * when its maximum falls on the item, within a tolerance of 15 px at 224×224
 * (here scaled with the image's shorter side: 4.3 px at 64×64).
 *
 * The item is its ground-truth box, and "within the tolerance" means the
 * maximum's pixel centre lies at most `tolerance` pixels (Euclidean) from the
 * box, so TorchRay's dilated region around a box. On two-item images the same
 * test with the requested item's box says whether the maximum is on the item
 * asked for rather than on the other one.
 *
 * Ties: maps that are flat at their top (boxes, saturated masks) have many
 * maximal pixels; the point is the maximal pixel nearest their centroid, so a
 * box-shaped map points at its middle, not at its first pixel in memory order.
 * A map that is constant over the whole image points nowhere and counts as a miss.
 */
import * as tf from '@tensorflow/tfjs';
import { assertBox, assertNumber, assertShape } from '../core/checks';
import type { Box } from '../data/box';

/** The tolerance of Zhang et al. and TorchRay, in pixels at 224×224. */
export const POINTING_TOLERANCE_AT_224 = 15;

/** The pointing tolerance in pixels for images `height`×`width`: 15 px at 224, scaled with the shorter side. */
export function pointingTolerance(height: number, width: number): number {
  return (POINTING_TOLERANCE_AT_224 * Math.min(height, width)) / 224;
}

/** A map's maximum: the pixel centre `(x + 0.5, y + 0.5)` of its chosen maximal pixel. */
export interface MapPoint {
  x: number;
  y: number;
}

/**
 * The maximum point of each map (ties resolved as in the file comment).
 * @param masks `[B, H, W, 1]`, any finite values (not disposed).
 * @returns B points, `null` for a map that is constant over the image.
 * @throws on masks that are not `[B, H, W, 1]`.
 */
export function maxPoints(masks: tf.Tensor4D): (MapPoint | null)[] {
  assertShape(masks, [null, null, null, 1], 'maxPoints: masks');
  const [b, h, w] = masks.shape;
  const values = masks.dataSync();
  return Array.from({ length: b }, (_, i) => {
    const start = i * h * w;
    let top = -Infinity;
    let bottom = Infinity;
    for (let p = start; p < start + h * w; p++) {
      if (values[p] > top) top = values[p];
      if (values[p] < bottom) bottom = values[p];
    }
    if (!(top > bottom)) return null;
    const maximal: number[] = [];
    let sx = 0;
    let sy = 0;
    for (let p = 0; p < h * w; p++) {
      if (values[start + p] === top) {
        maximal.push(p);
        sx += p % w;
        sy += Math.floor(p / w);
      }
    }
    const [cx, cy] = [sx / maximal.length, sy / maximal.length];
    let best = maximal[0];
    let bestDistance = Infinity;
    for (const p of maximal) {
      const d = ((p % w) - cx) ** 2 + (Math.floor(p / w) - cy) ** 2;
      if (d < bestDistance) [best, bestDistance] = [p, d];
    }
    return { x: (best % w) + 0.5, y: Math.floor(best / w) + 0.5 };
  });
}

/** Euclidean distance in pixels from a point to a box (0 inside it). */
export function distanceToBox(point: MapPoint, box: Box): number {
  const dx = Math.max(box.x0 - point.x, 0, point.x - box.x1);
  const dy = Math.max(box.y0 - point.y, 0, point.y - box.y1);
  return Math.hypot(dx, dy);
}

/** Options of {@link pointingGame}. */
export interface PointingGameConfig {
  /** Pixels the maximum may lie outside the box; default {@link pointingTolerance} of the image size. */
  tolerance?: number;
}

/** Per-image results of {@link pointingGame} (plain values). */
export interface PointingGameResult {
  /** True where the maximum lies within the tolerance of the box. */
  hit: boolean[];
  /** The maximum points, `null` for constant maps (a miss). */
  point: (MapPoint | null)[];
}

/**
 * Plays the pointing game on a batch of maps.
 * @param masks `[B, H, W, 1]`, any finite values (not disposed).
 * @param boxes the item's box per image, pixels, `x1`/`y1` exclusive.
 * @throws naming the argument: masks not `[B, H, W, 1]`, a box count other
 *   than B, a box that is not finite or not ordered, a negative tolerance.
 */
export function pointingGame(
  masks: tf.Tensor4D,
  boxes: readonly Box[],
  config: PointingGameConfig = {},
): PointingGameResult {
  assertShape(masks, [null, null, null, 1], 'pointingGame: masks');
  const [b, h, w] = masks.shape;
  if (boxes.length !== b)
    throw new Error(
      `pointingGame: ${boxes.length} boxes for masks [${masks.shape.join(', ')}] holding ${b} maps`,
    );
  boxes.forEach((box, i) => assertBox(box, `pointingGame: boxes[${i}]`, true));
  const tolerance = config.tolerance ?? pointingTolerance(h, w);
  assertNumber(tolerance, (v) => v >= 0, 'pointingGame: tolerance', 'a number of pixels >= 0');
  const point = maxPoints(masks);
  return {
    hit: point.map((pt, i) => pt !== null && distanceToBox(pt, boxes[i]) <= tolerance),
    point,
  };
}
