/**
 * Segmentation quality of saliency maps against pixel silhouettes (the
 * Cluttered Fashion-MNIST generator knows each item's exact silhouette,
 * docs/design.md §3). Dabkowski & Gal (2017), "Real Time Image Saliency for Black
 * Box Classifiers", score boxes only; this is the pixel-level counterpart:
 *
 *     IoU = |R ∩ S| / |R ∪ S|,
 *
 * R the salient region (map > α × its mean, the localisation rule of
 * `salient-region.ts`, so an α tuned for localisation carries over), S the
 * silhouette. 0 when both are empty.
 */
import * as tf from '@tensorflow/tfjs';
import { assertFinite, assertShape } from '../core/checks';
import {
  DEFAULT_SALIENT_REGION_CONFIG,
  SalientRegionConfig,
  salientRegion,
} from './salient-region';

/** Options of {@link segmentationIoU}: the region rule (default α = 1, all pixels above). */
export type SegmentationConfig = SalientRegionConfig;

/** The defaults of {@link SegmentationConfig}. */
export const DEFAULT_SEGMENTATION_CONFIG: Readonly<SegmentationConfig> =
  DEFAULT_SALIENT_REGION_CONFIG;

/**
 * IoU of each map's salient region with a silhouette.
 * @param maps `[B, H, W, 1]`, finite values (not disposed).
 * @param silhouettes `[B, H, W]` row-major, non-zero = object (e.g. `ClutteredBatch.silhouettes`).
 * @returns B IoUs in [0, 1]; an empty array for an empty batch.
 * @throws on maps that are not `[B, H, W, 1]` or hold a NaN or infinite value, or silhouettes of another size.
 */
export function segmentationIoU(
  maps: tf.Tensor4D,
  silhouettes: ArrayLike<number>,
  config: Partial<SegmentationConfig> = {},
): number[] {
  assertShape(maps, [null, null, null, 1], 'segmentationIoU: saliency maps');
  const [b, h, w] = maps.shape;
  if (silhouettes.length !== b * h * w) {
    throw new Error(
      `segmentationIoU: silhouettes have ${silhouettes.length} values, expected B*H*W = ${b}*${h}*${w} = ${b * h * w} for maps [${maps.shape.join(', ')}]`,
    );
  }
  assertFinite(maps, `segmentationIoU: saliency maps [${maps.shape.join(', ')}]`);
  const values = maps.dataSync();
  const cfg = { ...DEFAULT_SEGMENTATION_CONFIG, ...config };
  return Array.from({ length: b }, (_, i) => {
    const region = salientRegion(values.subarray(i * h * w, (i + 1) * h * w), h, w, cfg);
    let inter = 0;
    let union = 0;
    for (let p = 0; p < h * w; p++) {
      const s = silhouettes[i * h * w + p] !== 0;
      if (region[p] && s) inter++;
      if (region[p] || s) union++;
    }
    return union > 0 ? inter / union : 0;
  });
}
