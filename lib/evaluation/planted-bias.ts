/**
 * Finding a planted bias (lib/data/planted-bias.ts): how much a black box
 * relies on the cue, and how much of each saliency method's map falls on the
 * cue rather than on the item, the use Dabkowski & Gal (2017), "Real Time
 * Image Saliency for Black Box Classifiers", point to in their closing
 * paragraph.
 *
 * - Reliance: accuracy on clean test images, the biased class's recall with
 *   and without the cue, and how often images of the other classes are called
 *   the biased class once the cue is painted on them.
 * - Attribution: maps for the biased class on test images of that class with
 *   the cue painted; the share of map mass inside the cue's box and inside
 *   the item's box, and how often the map's maximum is on the cue or on the
 *   item (pointing game, lib/metrics/pointing-game.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { BlackBox } from '../classifiers/black-box';
import type { Box } from '../data/box';
import { ClutteredFashionMnist } from '../data/cluttered';
import { PlantedBiasData, PlantedCueConfig } from '../data/planted-bias';
import { pointingGame, pointingTolerance } from '../metrics/pointing-game';
import { boxRegions, massInside } from '../metrics/selectivity';
import { methodMasks } from '../methods/registry';
import type { MethodOptions } from '../methods/method';

/** What {@link cueReliance} measures (plain numbers). */
export interface CueReliance {
  /** Test images scored. */
  images: number;
  /** Accuracy on the clean test images. */
  cleanAccuracy: number;
  /** Recall of the biased class on clean test images of that class. */
  biasedClassRecallClean: number;
  /** Recall of the biased class on the same images with the cue painted. */
  biasedClassRecallWithCue: number;
  /** Share of clean test images of the other classes predicted as the biased class. */
  othersCalledBiasedClean: number;
  /** The same share once the cue is painted on them. */
  othersCalledBiasedWithCue: number;
  /** Accuracy on the other classes' test images with the cue painted. */
  othersAccuracyWithCue: number;
}

/** The predicted class of each image of a batch. */
function predictedClasses(blackBox: BlackBox, images: tf.Tensor4D): Int32Array {
  return tf.tidy(() => tf.argMax(blackBox.predict(images), 1).dataSync() as Int32Array);
}

/**
 * How much a black box relies on the cue, on the first `count` test images.
 * @param test the clean test split (its images are drawn twice: clean and with the cue).
 */
export function cueReliance(
  blackBox: BlackBox,
  test: ClutteredFashionMnist,
  cue: Partial<PlantedCueConfig>,
  count: number,
  batchSize = 250,
): CueReliance {
  const clean = new PlantedBiasData(test, 'none', cue);
  const cued = new PlantedBiasData(test, 'all', cue);
  const biased = clean.cue.biasedClass;
  const n = { all: 0, correct: 0, biased: 0, biasedClean: 0, biasedCue: 0, others: 0 };
  const others = { calledClean: 0, calledCue: 0, correctCue: 0 };
  for (let start = 0; start < count; start += batchSize) {
    const indices = test.range(start, Math.min(count, start + batchSize));
    const a = clean.batch(indices);
    const b = cued.batch(indices);
    const pa = predictedClasses(blackBox, a.images);
    const pb = predictedClasses(blackBox, b.images);
    tf.dispose([a.images, b.images]);
    a.labels.forEach((label, i) => {
      n.all++;
      if (pa[i] === label) n.correct++;
      if (label === biased) {
        n.biased++;
        if (pa[i] === biased) n.biasedClean++;
        if (pb[i] === biased) n.biasedCue++;
      } else {
        n.others++;
        if (pa[i] === biased) others.calledClean++;
        if (pb[i] === biased) others.calledCue++;
        if (pb[i] === label) others.correctCue++;
      }
    });
  }
  return {
    images: n.all,
    cleanAccuracy: n.correct / n.all,
    biasedClassRecallClean: n.biasedClean / n.biased,
    biasedClassRecallWithCue: n.biasedCue / n.biased,
    othersCalledBiasedClean: others.calledClean / n.others,
    othersCalledBiasedWithCue: others.calledCue / n.others,
    othersAccuracyWithCue: others.correctCue / n.others,
  };
}

/** Per-image attribution of maps to the cue and to the item (plain values). */
export interface CueAttribution {
  /** Share of map mass inside the cue's box. */
  cueMass: number[];
  /** Share of map mass inside the cue's box grown by the pointing tolerance on every side (the region the pointing game accepts). */
  cueMassWithinTolerance: number[];
  /** Share of map mass inside the item's box. */
  itemMass: number[];
  /** The map's maximum is within the pointing tolerance of the cue's box. */
  maxOnCue: boolean[];
  /** The map's maximum is within the pointing tolerance of the item's box. */
  maxOnItem: boolean[];
}

/** The cue's box grown by the pointing tolerance of an `height`×`width` image on every side. */
export function cueBoxWithinTolerance(cue: PlantedCueConfig, height: number, width: number): Box {
  const t = pointingTolerance(height, width);
  return { x0: cue.box.x0 - t, y0: cue.box.y0 - t, x1: cue.box.x1 + t, y1: cue.box.y1 + t };
}

/**
 * Attribution of maps to the cue and to the items.
 * @param masks `[B, H, W, 1]` in [0, 1] (not disposed).
 * @param cue the cue (its box is read).
 * @param itemBoxes the item's box per image.
 */
export function cueAttribution(
  masks: tf.Tensor4D,
  cue: PlantedCueConfig,
  itemBoxes: readonly Box[],
): CueAttribution {
  const [b, h, w] = masks.shape;
  const cueBoxes = new Array(b).fill(cue.box);
  const grown = cueBoxWithinTolerance(cue, h, w);
  return {
    cueMass: massInside(masks, boxRegions(cueBoxes, h, w)),
    cueMassWithinTolerance: massInside(masks, boxRegions(new Array(b).fill(grown), h, w)),
    itemMass: massInside(masks, boxRegions(itemBoxes, h, w)),
    maxOnCue: pointingGame(masks, cueBoxes).hit,
    maxOnItem: pointingGame(masks, itemBoxes).hit,
  };
}

/**
 * Test images of the biased class (the first `count` of them), for the maps.
 * @returns their indices in `test`.
 */
export function biasedClassIndices(
  test: ClutteredFashionMnist,
  biasedClass: number,
  count: number,
): number[] {
  const out: number[] = [];
  for (let start = 0; start < test.length && out.length < count; start += 500) {
    const batch = test.batch(test.range(start, start + 500));
    batch.images.dispose();
    batch.labels.forEach((label, i) => {
      if (label === biasedClass && out.length < count) out.push(batch.indices[i]);
    });
  }
  return out;
}

/**
 * A method's maps for the biased class on biased-class test images with the
 * cue painted, and their attribution.
 * @param data the test split with rule `'all'` (every image carries the cue).
 * @param indices from {@link biasedClassIndices}.
 */
export async function methodCueAttribution(
  method: string,
  blackBox: BlackBox,
  options: MethodOptions,
  data: PlantedBiasData,
  indices: readonly number[],
  batchSize = 25,
): Promise<CueAttribution> {
  const out: CueAttribution = {
    cueMass: [],
    cueMassWithinTolerance: [],
    itemMass: [],
    maxOnCue: [],
    maxOnItem: [],
  };
  for (let start = 0; start < indices.length; start += batchSize) {
    const batch = data.batch(indices.slice(start, start + batchSize));
    try {
      const masks = await methodMasks(
        method,
        blackBox,
        {
          images: batch.images,
          classes: Array.from(batch.labels, () => data.cue.biasedClass),
          boxes: batch.boxes,
        },
        options,
      );
      try {
        const a = cueAttribution(masks, data.cue, batch.boxes);
        out.cueMass.push(...a.cueMass);
        out.cueMassWithinTolerance.push(...a.cueMassWithinTolerance);
        out.itemMass.push(...a.itemMass);
        out.maxOnCue.push(...a.maxOnCue);
        out.maxOnItem.push(...a.maxOnItem);
      } finally {
        masks.dispose();
      }
    } finally {
      batch.images.dispose();
    }
  }
  return out;
}
