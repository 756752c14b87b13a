/**
 * The evaluation's measures in the terms of the saliency literature beyond
 * Dabkowski & Gal (2017), accumulated batch by batch over the stages of
 * `evaluate-pair.ts`:
 *
 * - the pointing game (Zhang et al. 2016, lib/metrics/pointing-game.ts) on the
 *   single-item test images (is the map's maximum on the item?) and on the
 *   two-item images (is it on the requested item, or on the other one?);
 * - deletion and insertion (Petsiuk et al. 2018, lib/metrics/deletion-insertion.ts)
 *   with both alternative images of Φ reported, blur and the constant 0, on
 *   the first `curveImages` single-item test images: the AUC per image and
 *   the mean curve per removal kind (for plotting).
 */
import * as tf from '@tensorflow/tfjs';
import type { BlackBox } from '../classifiers/black-box';
import type { Box } from '../data/box';
import {
  curveAuc,
  deletionInsertion,
  RemovalKind,
  REMOVAL_KINDS,
} from '../metrics/deletion-insertion';
import { pointingGame, pointingTolerance } from '../metrics/pointing-game';
import {
  MeanInterval,
  meanInterval,
  RateInterval,
  rateInterval,
} from '../metrics/interval-summaries';

/** Curve steps of the evaluation's deletion and insertion curves (17 points). */
export const EVALUATION_CURVE_STEPS = 16;

/** A rate with its 95 % interval half-width and count. */
export type RateScore = RateInterval;

/** A mean with its 95 % interval half-width. */
export type MeanScore = MeanInterval;

/** The pointing game's scores. */
export interface PointingGameScores extends RateScore {
  /** The tolerance in pixels (15 px at 224, scaled). */
  tolerancePx: number;
  /** On two-item images: the maximum on the requested item, and on the other one. */
  pairs: { requested: RateScore; other: RateScore };
}

/** AUC per removal kind, with the images and steps they were computed on. */
export type AucScores = Record<RemovalKind, MeanScore> & { images: number; steps: number };

/** Mean deletion and insertion curves per removal kind (steps + 1 points over [0, 1]). */
export interface MeanCurves {
  steps: number;
  deletion: Record<RemovalKind, number[]>;
  insertion: Record<RemovalKind, number[]>;
}

/** What {@link LiteratureScores.result} returns (plain numbers, JSON-ready). */
export interface LiteratureScoreResult {
  pointingGame: PointingGameScores;
  deletionAuc: AucScores;
  insertionAuc: AucScores;
  curves: MeanCurves;
}

const meanCurve = (curves: readonly number[][]): number[] =>
  curves[0].map((_, t) => curves.reduce((s, c) => s + c[t], 0) / curves.length);

type PerKind<T> = Record<RemovalKind, T>;
const perKind = <T>(make: () => T): PerKind<T> =>
  Object.fromEntries(REMOVAL_KINDS.map((k) => [k, make()])) as PerKind<T>;

/** Accumulates the literature's measures over the batches of one evaluation. */
export class LiteratureScores {
  private readonly hits: boolean[] = [];
  private readonly pairRequested: boolean[] = [];
  private readonly pairOther: boolean[] = [];
  private readonly deletion = perKind<number[][]>(() => []);
  private readonly insertion = perKind<number[][]>(() => []);
  private tolerance = NaN;

  /**
   * @param curveImages how many single-item test images get deletion and insertion curves (the first ones seen).
   * @param steps curve steps; default {@link EVALUATION_CURVE_STEPS}.
   */
  constructor(
    readonly curveImages: number,
    readonly steps = EVALUATION_CURVE_STEPS,
  ) {}

  /**
   * One batch of single-item test images and their maps.
   * @param images `[B, H, W, C]` (not disposed); `masks` `[B, H, W, 1]` for `classes` (not disposed).
   */
  addTest(
    blackBox: BlackBox,
    images: tf.Tensor4D,
    masks: tf.Tensor4D,
    classes: readonly number[],
    boxes: readonly Box[],
  ): void {
    const [, h, w] = masks.shape;
    this.tolerance = pointingTolerance(h, w);
    this.hits.push(...pointingGame(masks, boxes).hit);
    const wanted = Math.min(classes.length, this.curveImages - this.deletion.blur.length);
    if (wanted <= 0) return;
    const [x, m] =
      wanted === classes.length
        ? [images, masks]
        : [images.slice(0, wanted), masks.slice(0, wanted)];
    try {
      for (const removal of REMOVAL_KINDS) {
        const r = deletionInsertion(blackBox, x, m, classes.slice(0, wanted), {
          steps: this.steps,
          removal,
        });
        this.deletion[removal].push(...r.deletion.curve);
        this.insertion[removal].push(...r.insertion.curve);
      }
    } finally {
      if (x !== images) tf.dispose([x, m]);
    }
  }

  /**
   * One batch of two-item images and the maps for one item's class.
   * @param masks `[B, H, W, 1]` (not disposed).
   */
  addPairs(masks: tf.Tensor4D, requested: readonly Box[], other: readonly Box[]): void {
    this.pairRequested.push(...pointingGame(masks, requested).hit);
    this.pairOther.push(...pointingGame(masks, other).hit);
  }

  /**
   * The scores so far.
   * @throws when no test image, no two-item image or no curve has been added.
   */
  result(): LiteratureScoreResult {
    if (!this.hits.length || !this.pairRequested.length || !this.deletion.blur.length)
      throw new Error(
        `LiteratureScores: nothing to score (test images ${this.hits.length}, two-item maps ${this.pairRequested.length}, curves ${this.deletion.blur.length})`,
      );
    const auc = (curves: PerKind<number[][]>): AucScores => ({
      ...(Object.fromEntries(
        REMOVAL_KINDS.map((k) => [k, meanInterval(curves[k].map(curveAuc))]),
      ) as PerKind<MeanScore>),
      images: curves.blur.length,
      steps: this.steps,
    });
    return {
      pointingGame: {
        ...rateInterval(this.hits),
        tolerancePx: this.tolerance,
        pairs: { requested: rateInterval(this.pairRequested), other: rateInterval(this.pairOther) },
      },
      deletionAuc: auc(this.deletion),
      insertionAuc: auc(this.insertion),
      curves: {
        steps: this.steps,
        deletion: perKindMap(this.deletion, meanCurve),
        insertion: perKindMap(this.insertion, meanCurve),
      },
    };
  }
}

function perKindMap<T, U>(values: PerKind<T>, f: (v: T) => U): PerKind<U> {
  return Object.fromEntries(REMOVAL_KINDS.map((k) => [k, f(values[k])])) as PerKind<U>;
}
