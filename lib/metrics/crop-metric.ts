/**
 * The saliency metric of Dabkowski & Gal (2017), "Real Time Image Saliency for
 * Black Box Classifiers", §5.1: crop the tightest rectangle around the salient
 * region, resize it to the classifier's input size (ignoring the aspect
 * ratio), classify it, and score
 *
 *     s(a, p) = log(max(a, 0.05)) − log p,
 *
 * a = box area / image area, p = probability of the class on the crop. Lower
 * is better: a small region that still convinces the classifier. The 0.05
 * floor stops tiny crops from winning by area alone.
 *
 * Empty masks (no pixel above the threshold): the kit uses the whole image,
 * a = 1, so an empty answer scores like the uninformative "everything is
 * salient" answer and is never rewarded; `empty` flags these images.
 */
import * as tf from '@tensorflow/tfjs';
import {
  assertClassIndices,
  assertNumber,
  assertRange,
  assertRank,
  assertShape,
} from '../core/checks';
import { Box, cropAndResizeBoxes } from '../data/box';
import { acceptedChannels, BlackBox } from '../classifiers/black-box';
import { BoxFromMaskConfig, boxArea, boxesFromMasks } from './box';

/** Options of {@link cropMetric}. */
export interface CropMetricConfig extends BoxFromMaskConfig {
  /** Floor of the area fraction a; default 0.05 (the paper). */
  areaFloor: number;
  /** Floor of p before the log, so p = 0 gives a large finite score; default 1e-7. */
  probabilityFloor: number;
}

/** The defaults of {@link CropMetricConfig} (threshold 0.5). */
export const DEFAULT_CROP_METRIC_CONFIG: Readonly<CropMetricConfig> = Object.freeze({
  threshold: 0.5,
  areaFloor: 0.05,
  probabilityFloor: 1e-7,
});

/** Per-image results of {@link cropMetric} (plain numbers, nothing to dispose). */
export interface CropMetricResult {
  /** s(a, p). */
  score: number[];
  /** a, the box area over the image area (1 for an empty mask). */
  area: number[];
  /** p, the class probability on the resized crop. */
  probability: number[];
  /** The crop box in pixels (the whole image for an empty mask). */
  box: Box[];
  /** True where the mask had no pixel above the threshold. */
  empty: boolean[];
}

/** Throws unless the floors are in (0, 1] (a floor of 0 lets log 0 = −∞ through). */
function checkFloors(areaFloor: number, probabilityFloor: number, fn: string): void {
  assertNumber(areaFloor, (v) => v > 0 && v <= 1, `${fn}: areaFloor`, 'in (0, 1]');
  assertNumber(probabilityFloor, (v) => v > 0 && v <= 1, `${fn}: probabilityFloor`, 'in (0, 1]');
}

/**
 * The saliency score s(a, p) = log(max(a, areaFloor)) − log(max(p, probabilityFloor)).
 * @param area a in [0, 1]; `probability` p in [0, 1].
 * @throws naming the argument when a, p or a floor is not finite or outside its range.
 */
export function saliencyScore(
  area: number,
  probability: number,
  config: Partial<CropMetricConfig> = {},
): number {
  const { areaFloor, probabilityFloor } = { ...DEFAULT_CROP_METRIC_CONFIG, ...config };
  checkFloors(areaFloor, probabilityFloor, 'saliencyScore');
  assertNumber(area, (v) => v >= 0 && v <= 1, 'saliencyScore: area', 'in [0, 1]');
  assertNumber(probability, (v) => v >= 0 && v <= 1, 'saliencyScore: probability', 'in [0, 1]');
  return Math.log(Math.max(area, areaFloor)) - Math.log(Math.max(probability, probabilityFloor));
}

/**
 * Scores a batch of masks with the crop metric; one `cropAndResize` (bilinear)
 * and one black-box pass for the whole batch.
 * @param images `[B, H, W, C]` in [0, 1], any H, W (crops are resized to `blackBox.inputSize`).
 * @param masks `[B, H, W, 1]` in [0, 1], same H, W as the images.
 * @param classes the class per image whose probability p is read.
 * @returns per-image results; empty arrays for an empty batch.
 * @throws naming the argument: shapes that disagree, an image or mask value
 *   that is NaN or outside [0, 1], a class out of range, an invalid threshold or floor.
 */
export function cropMetric(
  blackBox: BlackBox,
  images: tf.Tensor4D,
  masks: tf.Tensor4D,
  classes: readonly number[],
  config: Partial<CropMetricConfig> = {},
): CropMetricResult {
  const cfg: CropMetricConfig = { ...DEFAULT_CROP_METRIC_CONFIG, ...config };
  checkFloors(cfg.areaFloor, cfg.probabilityFloor, 'cropMetric');
  assertNumber(cfg.threshold, (v) => v >= 0 && v < 1, 'cropMetric: threshold', 'in [0, 1)');
  assertRank(images, 4, 'cropMetric: images');
  const [b, h, w, c] = images.shape;
  const shape = `[${images.shape.join(', ')}]`;
  const channels = acceptedChannels(blackBox);
  if (!channels.includes(c))
    throw new Error(
      `cropMetric: images ${shape} have ${c} channels, black box "${blackBox.name}" takes ${channels.join(' or ')}`,
    );
  assertShape(masks, [b, h, w, 1], `cropMetric: masks (for images ${shape})`);
  if (classes.length !== b)
    throw new Error(
      `cropMetric: classes has ${classes.length} entries but images ${shape} hold ${b}`,
    );
  assertClassIndices(classes, blackBox.classNames.length, 'cropMetric: class index');
  assertRange(images, 0, 1, `cropMetric: images ${shape}`);
  assertRange(masks, 0, 1, `cropMetric: masks [${masks.shape.join(', ')}]`);
  if (b === 0) return { score: [], area: [], probability: [], box: [], empty: [] };

  // 1. Boxes, with the whole image for empty masks.
  const found = boxesFromMasks(masks, { threshold: cfg.threshold, checkRange: false });
  const box = found.map((bx) => bx ?? { x0: 0, y0: 0, x1: w, y1: h });
  const area = box.map((bx) => boxArea(bx) / (h * w));

  // 2. Crop and resize.
  const boxes = cropAndResizeBoxes(box, h, w);
  const probability = tf.tidy(() => {
    const crops = tf.image.cropAndResize(
      images,
      tf.tensor2d(boxes, [b, 4]),
      tf.range(0, b, 1, 'int32') as tf.Tensor1D,
      [...blackBox.inputSize],
      'bilinear',
    );
    const probs = blackBox.predict(crops);
    return Array.from(
      tf
        .sum(
          tf.mul(
            probs,
            tf.oneHot(tf.tensor1d(classes as number[], 'int32'), blackBox.classNames.length),
          ),
          1,
        )
        .dataSync(),
    );
  });

  // 3. Scores.
  const score = area.map((a, i) => saliencyScore(a, probability[i], cfg));
  return { score, area, probability, box, empty: found.map((bx) => bx === null) };
}
