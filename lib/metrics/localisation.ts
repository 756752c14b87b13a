/**
 * Weakly supervised localisation from saliency maps, the protocol of Fong &
 * Vedaldi ("Interpretable Explanations of Black Boxes by Meaningful
 * Perturbation", ICCV 2017) that Dabkowski & Gal (2017), "Real Time Image
 * Saliency for Black Box Classifiers", §5.2 follow: threshold each map at
 * α × its mean, take the tightest box around the thresholded region, and
 * count the image as localised when the box's IoU with a ground-truth box is
 * at least 0.5. α is tuned per method on held-out images ({@link tuneAlpha})
 * and then fixed for the test images ({@link localise}). Localisation error
 * = 1 − accuracy (the paper reports 36.9% for its model on ImageNet).
 *
 * An image whose region is empty (nothing above the threshold) has no box and
 * counts as not localised. With several ground-truth boxes (ImageNet), the
 * best-matching one counts.
 */
import * as tf from '@tensorflow/tfjs';
import {
  assertBox,
  assertFinite,
  assertNonEmptyBatch,
  assertNumber,
  assertShape,
} from '../core/checks';
import { Box, tightBox } from '../data/box';
import { boxIoU } from './box';
import {
  DEFAULT_SALIENT_REGION_CONFIG,
  SalientRegionConfig,
  salientRegion,
} from './salient-region';

/** Ground truth of one image: one box or several (any may match). */
export type GroundTruthBoxes = Box | readonly Box[];

/** Options of {@link localise}. */
export interface LocalisationConfig extends SalientRegionConfig {
  /** A box is correct when its IoU with a ground-truth box is at least this; default 0.5. */
  iouThreshold: number;
}

/** The defaults of {@link LocalisationConfig}: α = 1, region `'all'`, IoU ≥ 0.5. */
export const DEFAULT_LOCALISATION_CONFIG: Readonly<LocalisationConfig> = Object.freeze({
  ...DEFAULT_SALIENT_REGION_CONFIG,
  iouThreshold: 0.5,
});

/** Per-image and overall results of {@link localise} (plain numbers). */
export interface LocalisationResult {
  /** The predicted box per image, `null` where the region was empty. */
  boxes: (Box | null)[];
  /** Best IoU with the image's ground truth (0 without a box). */
  iou: number[];
  /** `iou ≥ iouThreshold`. */
  correct: boolean[];
  /** Fraction of images localised. */
  accuracy: number;
  /** 1 − accuracy. */
  error: number;
}

/** α values tried by {@link tuneAlpha} by default: 0, 0.25, …, 10. */
export const DEFAULT_ALPHA_GRID: readonly number[] = Object.freeze(
  Array.from({ length: 41 }, (_, i) => i * 0.25),
);

/**
 * The localisation box of one map: the tightest box around its salient region.
 * @param map `[H, W]` row-major.
 * @returns the box, or `null` when the region is empty.
 */
export function localisationBox(
  map: ArrayLike<number>,
  height: number,
  width: number,
  config: Partial<SalientRegionConfig> = {},
): Box | null {
  return tightBox(salientRegion(map, height, width, config), height, width);
}

/** Best IoU of a box with an image's ground truth; 0 for no box. */
function bestIoU(box: Box | null, truth: GroundTruthBoxes): number {
  if (box === null) return 0;
  const boxes: readonly Box[] = Array.isArray(truth) ? truth : [truth as Box];
  return boxes.reduce((best, t) => Math.max(best, boxIoU(box, t)), 0);
}

/**
 * Checks maps `[B, H, W, 1]` (finite, B ≥ 1: the result is an accuracy over
 * the images) and their ground truth (one entry per image, each box ordered
 * and non-empty), then reads the maps once. `fn` names the caller in messages.
 */
function readMaps(
  maps: tf.Tensor4D,
  groundTruth: readonly GroundTruthBoxes[],
  fn: string,
): { values: Float32Array; b: number; h: number; w: number } {
  assertShape(maps, [null, null, null, 1], `${fn}: saliency maps`);
  const [b, h, w] = maps.shape;
  const shape = `[${maps.shape.join(', ')}]`;
  if (groundTruth.length !== b)
    throw new Error(
      `${fn}: groundTruth has ${groundTruth.length} entries but maps ${shape} hold ${b}`,
    );
  assertNonEmptyBatch(b, `${fn}: saliency maps ${shape}`, 'localisation accuracy');
  groundTruth.forEach((truth, i) => {
    const boxes: readonly Box[] = Array.isArray(truth) ? truth : [truth as Box];
    if (boxes.length === 0) throw new Error(`${fn}: groundTruth[${i}] holds no box`);
    boxes.forEach((box, k) =>
      assertBox(box, `${fn}: groundTruth[${i}]${Array.isArray(truth) ? `[${k}]` : ''}`),
    );
  });
  assertFinite(maps, `${fn}: saliency maps ${shape}`);
  return { values: maps.dataSync() as Float32Array, b, h, w };
}

/** Localisation of already-read maps at one α. */
function localiseValues(
  values: Float32Array,
  b: number,
  h: number,
  w: number,
  groundTruth: readonly GroundTruthBoxes[],
  cfg: LocalisationConfig,
): LocalisationResult {
  assertNumber(cfg.iouThreshold, (v) => v > 0 && v <= 1, 'localisation: iouThreshold', 'in (0, 1]');
  const boxes = Array.from({ length: b }, (_, i) =>
    localisationBox(values.subarray(i * h * w, (i + 1) * h * w), h, w, cfg),
  );
  const iou = boxes.map((box, i) => bestIoU(box, groundTruth[i]));
  const correct = iou.map((v) => v >= cfg.iouThreshold);
  const accuracy = correct.filter(Boolean).length / b;
  return { boxes, iou, correct, accuracy, error: 1 - accuracy };
}

/**
 * Scores a batch of saliency maps against ground-truth boxes.
 * @param maps `[B, H, W, 1]`, B ≥ 1, finite values (not disposed), in the pixel frame of the boxes.
 * @param groundTruth B entries, one box or several per image, each with x0 < x1 and y0 < y1.
 * @throws naming the argument: an empty batch (the accuracy over zero images
 *   is undefined), a NaN or infinite map value, a box that is not ordered or
 *   empty, a count or option that does not fit.
 */
export function localise(
  maps: tf.Tensor4D,
  groundTruth: readonly GroundTruthBoxes[],
  config: Partial<LocalisationConfig> = {},
): LocalisationResult {
  const { values, b, h, w } = readMaps(maps, groundTruth, 'localise');
  return localiseValues(values, b, h, w, groundTruth, {
    ...DEFAULT_LOCALISATION_CONFIG,
    ...config,
  });
}

/** Options of {@link tuneAlpha}. */
export interface TuneAlphaConfig extends Omit<LocalisationConfig, 'alpha'> {
  /** The α values to try; default {@link DEFAULT_ALPHA_GRID}. */
  alphas: readonly number[];
}

/** The defaults of {@link TuneAlphaConfig}. */
export const DEFAULT_TUNE_ALPHA_CONFIG: Readonly<TuneAlphaConfig> = Object.freeze({
  region: DEFAULT_LOCALISATION_CONFIG.region,
  iouThreshold: DEFAULT_LOCALISATION_CONFIG.iouThreshold,
  alphas: DEFAULT_ALPHA_GRID,
});

/** What {@link tuneAlpha} found (plain numbers). */
export interface TuneAlphaResult {
  /** The chosen α. */
  alpha: number;
  /** Accuracy at the chosen α. */
  accuracy: number;
  /** Mean IoU at the chosen α. */
  meanIoU: number;
  /** Accuracy and mean IoU at every α tried, in grid order. */
  curve: { alpha: number; accuracy: number; meanIoU: number }[];
}

/**
 * Picks α for one method on held-out images: the grid value with the best
 * localisation accuracy; ties go to the higher mean IoU, then to the smaller α.
 * @param maps `[B, H, W, 1]` of one method, B ≥ 1, finite values (not disposed; read once).
 * @param groundTruth B entries, one box or several per image, each with x0 < x1 and y0 < y1.
 * @throws as {@link localise} does, and on an empty α grid or a negative α.
 */
export function tuneAlpha(
  maps: tf.Tensor4D,
  groundTruth: readonly GroundTruthBoxes[],
  config: Partial<TuneAlphaConfig> = {},
): TuneAlphaResult {
  const cfg: TuneAlphaConfig = { ...DEFAULT_TUNE_ALPHA_CONFIG, ...config };
  if (cfg.alphas.length === 0) throw new Error('tuneAlpha: alphas must hold at least one α to try');
  cfg.alphas.forEach((alpha, i) =>
    assertNumber(alpha, (v) => v >= 0, `tuneAlpha: alphas[${i}]`, '>= 0'),
  );
  const { values, b, h, w } = readMaps(maps, groundTruth, 'tuneAlpha');
  const curve = cfg.alphas.map((alpha) => {
    const r = localiseValues(values, b, h, w, groundTruth, { ...cfg, alpha });
    return { alpha, accuracy: r.accuracy, meanIoU: r.iou.reduce((s, v) => s + v, 0) / b };
  });
  const better = (p: (typeof curve)[number], q: (typeof curve)[number]) =>
    p.accuracy !== q.accuracy
      ? p.accuracy > q.accuracy
      : p.meanIoU !== q.meanIoU
        ? p.meanIoU > q.meanIoU
        : p.alpha < q.alpha;
  const best = curve.reduce((q, p) => (better(p, q) ? p : q));
  return { ...best, curve };
}
