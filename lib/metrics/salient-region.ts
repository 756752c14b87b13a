/**
 * The salient region of a saliency map, as the localisation protocol of Fong
 * & Vedaldi ("Interpretable Explanations of Black Boxes by Meaningful
 * Perturbation", ICCV 2017) defines it and Dabkowski & Gal (2017), "Real Time
 * Image Saliency for Black Box Classifiers", §5 uses it: the pixels whose
 * value is strictly above α times the map's mean. Optionally only the
 * largest 8-connected component of those pixels is kept (as CAM's protocol
 * does), which ignores stray specks far from the object.
 */
import * as tf from '@tensorflow/tfjs';
import { assertNumber, assertShape } from '../core/checks';

/** Which thresholded pixels form the region: `'all'` of them (default) or the `'largest-component'` (8-connected). */
export type RegionRule = 'all' | 'largest-component';

/** Options of {@link salientRegion}. */
export interface SalientRegionConfig {
  /** α ≥ 0: pixels above α × mean(map) are salient; default 1. */
  alpha: number;
  /** Default `'all'` (the Fong & Vedaldi protocol as printed). */
  region: RegionRule;
}

/** The defaults of {@link SalientRegionConfig}. */
export const DEFAULT_SALIENT_REGION_CONFIG: Readonly<SalientRegionConfig> = Object.freeze({
  alpha: 1,
  region: 'all',
});

/**
 * Keeps the largest 8-connected component of a binary region (the first one
 * found in row-major order on ties).
 * @param region `[H, W]` row-major, non-zero = inside.
 * @returns a new `[H, W]` 0/1 array.
 */
export function largestComponent(
  region: ArrayLike<number>,
  height: number,
  width: number,
): Uint8Array {
  const label = new Int32Array(height * width).fill(-1);
  const stack: number[] = [];
  let best = -1;
  let bestSize = 0;
  for (let start = 0; start < label.length; start++) {
    if (region[start] === 0 || label[start] !== -1) continue;
    // Flood fill from `start`, labelled with its own index.
    let size = 0;
    label[start] = start;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      size++;
      const [y, x] = [Math.floor(p / width), p % width];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const [ny, nx] = [y + dy, x + dx];
          const q = ny * width + nx;
          if (
            ny >= 0 &&
            ny < height &&
            nx >= 0 &&
            nx < width &&
            region[q] !== 0 &&
            label[q] === -1
          ) {
            label[q] = start;
            stack.push(q);
          }
        }
      }
    }
    if (size > bestSize) [best, bestSize] = [start, size];
  }
  return Uint8Array.from(label, (l) => (l === best && best !== -1 ? 1 : 0));
}

/**
 * The salient region of one map: map > α × mean(map), then the rule.
 * @param map `[H, W]` row-major values (any scale: the rule is scale-free), all finite.
 * @returns `[H, W]` 0/1; empty when no pixel passes (e.g. a constant map with α ≥ 1).
 * @throws on a negative α, an unknown region rule, a length other than H·W, or a
 *   NaN or infinite value (its mean, and so the threshold, would not be a number).
 */
export function salientRegion(
  map: ArrayLike<number>,
  height: number,
  width: number,
  config: Partial<SalientRegionConfig> = {},
): Uint8Array {
  const { alpha, region } = { ...DEFAULT_SALIENT_REGION_CONFIG, ...config };
  assertNumber(alpha, (v) => v >= 0, 'salientRegion: alpha', '>= 0');
  if (map.length !== height * width)
    throw new Error(
      `salientRegion: map has ${map.length} values, expected height*width = ${height}*${width} = ${height * width}`,
    );
  if (region !== 'all' && region !== 'largest-component')
    throw new Error(
      `salientRegion: unknown region rule "${String(region)}"; use all or largest-component`,
    );
  let sum = 0;
  for (let i = 0; i < map.length; i++) {
    if (!Number.isFinite(map[i]))
      throw new Error(`salientRegion: map values must be finite, got ${map[i]} at pixel ${i}`);
    sum += map[i];
  }
  const threshold = (alpha * sum) / map.length;
  const above = Uint8Array.from({ length: map.length }, (_, i) => (map[i] > threshold ? 1 : 0));
  return region === 'largest-component' ? largestComponent(above, height, width) : above;
}

/**
 * The salient regions of a batch of maps as 0/1 masks (the region the crop
 * metric crops and the localisation box encloses).
 * @param maps `[B, H, W, 1]`, finite values (not disposed; read once).
 * @returns `[B, H, W, 1]` of 0 and 1; the caller disposes it.
 * @throws as {@link salientRegion} does, and on maps of another shape.
 */
export function salientRegionMasks(
  maps: tf.Tensor4D,
  config: Partial<SalientRegionConfig> = {},
): tf.Tensor4D {
  assertShape(maps, [null, null, null, 1], 'salientRegionMasks: maps');
  const [b, h, w] = maps.shape;
  const values = maps.dataSync();
  const out = new Float32Array(b * h * w);
  for (let i = 0; i < b; i++)
    out.set(salientRegion(values.subarray(i * h * w, (i + 1) * h * w), h, w, config), i * h * w);
  return tf.tensor4d(out, [b, h, w, 1]);
}
