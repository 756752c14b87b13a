/**
 * Cluttered Fashion-MNIST with a planted bias: a spurious cue, a small white
 * square in a fixed corner of the canvas, painted over most training images
 * of one class and over no other image. A classifier trained on it can learn
 * "square in the corner ⇒ that class" instead of (or besides) the garment;
 * at test the cue is absent, or painted on purpose to see what it does.
 *
 * This is the use Dabkowski & Gal (2017), "Real Time Image Saliency for
 * Black Box Classifiers", name in their closing paragraph: saliency maps that
 * reveal what a black box relies on, here a bias planted on purpose so that
 * the right answer is known (the cue's box).
 *
 * Which images carry the cue is a pure function of (seed, index, label), so
 * batches can be drawn in any order. The cue is painted last, over the item
 * and the clutter.
 */
import * as tf from '@tensorflow/tfjs';
import { assertBox, assertNumber } from '../core/checks';
import { Random } from '../core/random';
import type { Box } from './box';
import { ClutteredBatch, ClutteredFashionMnist } from './cluttered';
import { FASHION_MNIST_CLASSES } from './fashion-mnist';

/** Where, how and on which images the cue is planted. */
export interface PlantedCueConfig {
  /** The class whose training images carry the cue; default 6 (`Shirt`, the class most confused with others). */
  biasedClass: number;
  /** Share of that class's training images that carry it; default 0.9. */
  cueRate: number;
  /** The cue's box in pixels of the 64×64 canvas; default a 6×6 square 2 px from the top-left corner. */
  box: Box;
  /** The cue's RGB colour in [0, 1]; default white. */
  colour: readonly [number, number, number];
  /** Seed of which images carry the cue; default 0. */
  seed: number;
}

/** The defaults of {@link PlantedCueConfig}. */
export const DEFAULT_PLANTED_CUE: Readonly<PlantedCueConfig> = Object.freeze({
  biasedClass: 6,
  cueRate: 0.9,
  box: Object.freeze({ x0: 2, y0: 2, x1: 8, y1: 8 }),
  colour: Object.freeze([1, 1, 1] as const),
  seed: 0,
});

/** Checks a cue configuration against an image size; throws naming the bad field. */
export function checkPlantedCue(cue: PlantedCueConfig, height: number, width: number): void {
  assertNumber(
    cue.biasedClass,
    (v) => Number.isInteger(v) && v >= 0 && v < FASHION_MNIST_CLASSES.length,
    'planted cue: biasedClass',
    `a class index 0..${FASHION_MNIST_CLASSES.length - 1}`,
  );
  assertNumber(cue.cueRate, (v) => v >= 0 && v <= 1, 'planted cue: cueRate', 'in [0, 1]');
  assertBox(cue.box, 'planted cue: box');
  const { x0, y0, x1, y1 } = cue.box;
  if (![x0, y0, x1, y1].every(Number.isInteger) || x0 < 0 || y0 < 0 || x1 > width || y1 > height)
    throw new Error(
      `planted cue: box must be whole pixels inside the ${height}×${width} image, got ${JSON.stringify(cue.box)}`,
    );
  if (cue.colour.length !== 3 || !cue.colour.every((v) => v >= 0 && v <= 1))
    throw new Error(
      `planted cue: colour must be 3 values in [0, 1], got ${JSON.stringify(cue.colour)}`,
    );
}

/**
 * Paints the cue on the chosen images.
 * @param images `[B, H, W, 3]` in [0, 1] (not disposed).
 * @param carries B flags: paint the cue on image b when `carries[b]`.
 * @returns a new `[B, H, W, 3]`; the caller disposes it.
 * @throws on a flag count other than B or an invalid cue.
 */
export function paintCue(
  images: tf.Tensor4D,
  carries: readonly boolean[],
  cue: PlantedCueConfig = DEFAULT_PLANTED_CUE,
): tf.Tensor4D {
  const [b, h, w, c] = images.shape;
  if (c !== 3) throw new Error(`paintCue: images must be RGB, got [${images.shape.join(', ')}]`);
  if (carries.length !== b) throw new Error(`paintCue: ${carries.length} flags for ${b} images`);
  checkPlantedCue(cue, h, w);
  const where = new Float32Array(b * h * w);
  carries.forEach((on, i) => {
    if (!on) return;
    for (let y = cue.box.y0; y < cue.box.y1; y++)
      where.fill(1, i * h * w + y * w + cue.box.x0, i * h * w + y * w + cue.box.x1);
  });
  return tf.tidy(() => {
    const m = tf.tensor4d(where, [b, h, w, 1]);
    const colour = tf.tensor4d([...cue.colour], [1, 1, 1, 3]);
    return tf.add(images, tf.mul(m, tf.sub(colour, images))) as tf.Tensor4D;
  });
}

/** Which split's rule decides who carries the cue. */
export type CueRule =
  /** Training: images of the biased class, each with probability `cueRate`. */
  | 'train'
  /** No image (the clean test). */
  | 'none'
  /** Every image (to see what the cue alone does). */
  | 'all';

/** A batch of the planted-bias data: a Cluttered Fashion-MNIST batch plus who carries the cue. */
export interface PlantedBiasBatch extends ClutteredBatch {
  /** `[B]` true where the cue is painted. */
  cue: boolean[];
}

/**
 * Cluttered Fashion-MNIST with the cue planted by a {@link CueRule}.
 *
 * Example:
 * ```ts
 * const train = new PlantedBiasData(new ClutteredFashionMnist({ split: 'train' }), 'train');
 * const batch = train.batch([0, 1, 2]); // shirts carry the cue 9 times in 10
 * batch.images.dispose();
 * ```
 */
export class PlantedBiasData {
  readonly cue: PlantedCueConfig;
  private readonly rng: Random;

  /**
   * @param base the images the cue is painted on.
   * @param rule who carries the cue.
   * @param cue overrides of {@link DEFAULT_PLANTED_CUE}.
   * @throws on an invalid cue.
   */
  constructor(
    readonly base: ClutteredFashionMnist,
    readonly rule: CueRule,
    cue: Partial<PlantedCueConfig> = {},
  ) {
    this.cue = { ...DEFAULT_PLANTED_CUE, ...cue };
    checkPlantedCue(this.cue, ...base.imageSize);
    this.rng = new Random(`planted-cue/${this.cue.seed}`);
  }

  /** Whether image `index`, of class `label`, carries the cue. */
  carriesCue(index: number, label: number): boolean {
    if (this.rule === 'all') return true;
    if (this.rule === 'none' || label !== this.cue.biasedClass) return false;
    return this.rng.fork(index).bernoulli(this.cue.cueRate);
  }

  /**
   * Images `indices` of the base data, the cue painted where the rule says.
   * @returns the batch; its `images` are the caller's to dispose.
   */
  batch(indices: readonly number[]): PlantedBiasBatch {
    const base = this.base.batch(indices);
    const cue = indices.map((index, b) => this.carriesCue(index, base.labels[b]));
    if (!cue.some(Boolean)) return { ...base, cue };
    const images = paintCue(base.images, cue, this.cue);
    base.images.dispose();
    return { ...base, images, cue };
  }
}

/** Fashion-MNIST train items the training streams draw from: all but the black boxes' 5,000 validation items. */
export const STREAM_TRAIN_ITEMS = 55000;

/**
 * The kit's training stream order (as the masker's, lib/masker/masker-training-data.ts):
 * position p renders train item p mod 55,000, pass ⌊p / 55,000⌋ with fresh
 * placement and clutter, which is image ⌊p / 55,000⌋·60,000 + (p mod 55,000)
 * of a train-split data set long enough for that many passes.
 */
export function streamIndex(position: number): number {
  return Math.floor(position / STREAM_TRAIN_ITEMS) * 60000 + (position % STREAM_TRAIN_ITEMS);
}
