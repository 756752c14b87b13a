/**
 * `explain`'s work on one image: the model's class probabilities, the
 * classes chosen from them (lib/explain/class-choice.ts), and for every
 * method one call for all those classes at once (the image repeated per
 * class), scored per class as the paper scores a mask (Dabkowski & Gal 2017,
 * §5.1): the crop metric s(a, p) on the tightest box around the map's salient
 * region (pixels above the map's mean, lib/metrics/salient-region.ts, the
 * box the overlays draw dashed), the mean mask value, and the method's time.
 */
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../data/box';
import { methodMasks } from '../methods/registry';
import type { ModelMethod } from '../methods/model-methods';
import { cropMetric, CropMetricResult } from '../metrics/crop-metric';
import { salientRegionMasks } from '../metrics/salient-region';
import { meanMaskArea } from '../metrics/selectivity';
import type { BlackBox } from '../classifiers/black-box';
import { batchRasters, Raster } from '../plot/raster';
import { ClassChoice, chooseClasses } from './class-choice';

/** One method's mask of one class, scored (plain numbers). */
export interface MaskScores {
  /** The crop metric on the salient box: s(a, p), a, p, and whether the salient region was empty (then a = 1, the whole image). */
  cropMetric: { score: number; area: number; probability: number; empty: boolean };
  /** The mean mask value (for maps divided by their maximum, how much of the image the map covers). */
  maskArea: number;
  /** The tightest box around the salient region, in pixels of the model's input; null when the region is empty. */
  salientBox: Box | null;
  /** The method's seconds per mask: its one call for the image's classes (masks read back), divided by their number. */
  seconds: number;
}

/** One explained class of an image. */
export interface ClassExplanation {
  index: number;
  name: string;
  /** The model's probability of the class on the whole image. */
  probability: number;
  /** Per method name. */
  methods: Record<string, MaskScores>;
}

/** What {@link explainImage} returns. */
export interface ImageExplanation {
  classes: ClassExplanation[];
  /** The model's five most probable classes, most probable first. */
  predictions: { index: number; name: string; probability: number }[];
  /** The maps, per method name, one per explained class in order, `[H, W, 1]` in [0, 1]. */
  maps: Record<string, Raster[]>;
}

/** Classes listed under {@link ImageExplanation.predictions}. */
const LISTED_PREDICTIONS = 5;

/**
 * Explains one image.
 * @param image `[1, H, W, C]` in [0, 1], as the black box takes it (not disposed).
 * @param blackBox the model as a black box (probabilities, crop metric).
 * @param methods from `methodsForModel` (lib/methods/model-methods.ts); saliency methods, not the ground-truth box.
 * @returns plain numbers and rasters; every tensor made here is disposed.
 */
export async function explainImage(
  image: tf.Tensor4D,
  blackBox: BlackBox,
  choice: ClassChoice,
  methods: readonly ModelMethod[],
): Promise<ImageExplanation> {
  if (image.shape[0] !== 1)
    throw new Error(`explainImage: explains one image, got a batch [${image.shape.join(', ')}]`);
  const probabilities = tf.tidy(() => blackBox.predict(image).dataSync());
  const named = (index: number) => ({
    index,
    name: blackBox.classNames[index],
    probability: probabilities[index],
  });
  const chosen = chooseClasses(choice, probabilities);
  const predictions = chooseClasses(
    { kind: 'top', k: Math.min(LISTED_PREDICTIONS, probabilities.length) },
    probabilities,
  ).map(named);
  const classes: ClassExplanation[] = chosen.map((c) => ({ ...named(c), methods: {} }));
  const maps: ImageExplanation['maps'] = {};
  const images = tf.tile(image, [chosen.length, 1, 1, 1]) as tf.Tensor4D;
  try {
    for (const method of methods) {
      const start = performance.now();
      const masks = await methodMasks(
        method.name,
        method.blackBox,
        { images, classes: chosen, boxes: chosen.map(() => null) },
        method.options,
      );
      try {
        const values = masks.dataSync();
        const seconds = (performance.now() - start) / 1000 / chosen.length;
        const regions = salientRegionMasks(masks);
        let crop: CropMetricResult;
        try {
          crop = cropMetric(blackBox, images, regions, chosen);
        } finally {
          regions.dispose();
        }
        const areas = meanMaskArea(masks);
        classes.forEach((c, k) => {
          c.methods[method.name] = {
            cropMetric: {
              score: crop.score[k],
              area: crop.area[k],
              probability: crop.probability[k],
              empty: crop.empty[k],
            },
            maskArea: areas[k],
            salientBox: crop.empty[k] ? null : crop.box[k],
            seconds,
          };
        });
        maps[method.name] = batchRasters(values, masks.shape);
      } finally {
        masks.dispose();
      }
    }
  } finally {
    images.dispose();
  }
  return { classes, predictions, maps };
}
