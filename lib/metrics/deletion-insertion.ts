/**
 * Deletion and insertion, Petsiuk et al. (2018), "RISE: Randomized Input
 * Sampling for Explanation of Black-box Models", §4.1: the class probability
 * as the image's pixels are removed (deletion) or revealed (insertion) in the
 * order of the saliency map, most salient first, summarised as the area under
 * the curve over the fraction of pixels removed or revealed.
 *
 * - Deletion starts from the image and ends at the alternative image; a good
 *   map makes the probability fall fast (low AUC is better).
 * - Insertion starts from the alternative image and ends at the image; a
 *   good map makes it rise fast (high AUC is better).
 *
 * "Removed" means replaced by an alternative image A of Φ, Dabkowski & Gal
 * (2017), §3 (lib/paper/evidence.ts): `'blur'` (the paper's σ = 10 px at 224,
 * Petsiuk et al.'s insertion start) or `'constant'` (A = 0, Petsiuk et al.'s
 * deletion). A pixel is removed in all its channels at once. Pixels of equal
 * map value are taken in a seeded random order, so a flat region is eaten
 * evenly rather than row by row.
 */
import * as tf from '@tensorflow/tfjs';
import { acceptedChannels, BlackBox } from '../classifiers/black-box';
import {
  assertClassIndices,
  assertFinite,
  assertNumber,
  assertRange,
  assertRank,
  assertShape,
} from '../core/checks';
import { Random } from '../core/random';
import { alternativeImages } from '../paper/evidence';

/** The alternative images the curves are reported with. */
export type RemovalKind = 'blur' | 'constant';

/** Every {@link RemovalKind}, in report order. */
export const REMOVAL_KINDS: readonly RemovalKind[] = ['blur', 'constant'];

/** Options of {@link deletionInsertion}. */
export interface DeletionInsertionConfig {
  /** Curve steps T: the curve has T + 1 points, at 0, 1/T, …, 1 of the pixels; default 32. */
  steps: number;
  /** What a removed pixel becomes; default `'blur'`. */
  removal: RemovalKind;
  /** The colour of `'constant'`, in [0, 1]; default 0. */
  constantColour: number;
  /** Seed of the order among pixels of equal map value; default 0. */
  tieSeed: number;
  /** Largest number of images in one black-box call; default 512. */
  maxBatch: number;
}

/** The defaults of {@link DeletionInsertionConfig}. */
export const DEFAULT_DELETION_INSERTION_CONFIG: Readonly<DeletionInsertionConfig> = Object.freeze({
  steps: 32,
  removal: 'blur',
  constantColour: 0,
  tieSeed: 0,
  maxBatch: 512,
});

/** Per-image curves and their areas (plain numbers). */
export interface ProbabilityCurves {
  /** T + 1 class probabilities per image. */
  curve: number[][];
  /** Area under each curve over [0, 1] (trapezoids). */
  auc: number[];
}

/** What {@link deletionInsertion} returns. */
export interface DeletionInsertionResult {
  deletion: ProbabilityCurves;
  insertion: ProbabilityCurves;
}

/** Area under a curve sampled at T + 1 equally spaced points of [0, 1] (trapezoid rule). */
export function curveAuc(curve: readonly number[]): number {
  if (curve.length < 2) throw new Error(`curveAuc needs at least 2 points, got ${curve.length}`);
  let sum = 0;
  for (let t = 0; t + 1 < curve.length; t++) sum += (curve[t] + curve[t + 1]) / 2;
  return sum / (curve.length - 1);
}

/**
 * The rank of each pixel in removal order: 0 for the most salient pixel;
 * equal values ordered by a permutation drawn from `rng`.
 * @param values one map's `H·W` values.
 */
export function removalRanks(values: ArrayLike<number>, rng: Random): Int32Array {
  const n = values.length;
  const tie = rng.permutation(n);
  const order = Array.from({ length: n }, (_, p) => p).sort(
    (a, b) => values[b] - values[a] || tie[a] - tie[b],
  );
  const rank = new Int32Array(n);
  order.forEach((p, r) => (rank[p] = r));
  return rank;
}

/**
 * Deletion and insertion curves of a batch of maps, with one kind of removal.
 * @param blackBox the classifier whose probabilities are read.
 * @param images `[B, H, W, C]` in [0, 1], the black box's input size and a channel count it takes (not disposed).
 * @param masks `[B, H, W, 1]` saliency maps, any finite values, higher = more salient (not disposed).
 * @param classes the class per image whose probability is traced.
 * @returns plain numbers; empty arrays for an empty batch.
 * @throws naming the argument: shapes that disagree, images outside [0, 1],
 *   non-finite map values, a class out of range, invalid options.
 */
export function deletionInsertion(
  blackBox: BlackBox,
  images: tf.Tensor4D,
  masks: tf.Tensor4D,
  classes: readonly number[],
  config: Partial<DeletionInsertionConfig> = {},
): DeletionInsertionResult {
  const cfg: DeletionInsertionConfig = { ...DEFAULT_DELETION_INSERTION_CONFIG, ...config };
  assertNumber(
    cfg.steps,
    (v) => Number.isInteger(v) && v >= 1,
    'deletionInsertion: steps',
    'an integer >= 1',
  );
  assertNumber(
    cfg.maxBatch,
    (v) => Number.isInteger(v) && v >= cfg.steps + 1,
    'deletionInsertion: maxBatch',
    `an integer >= steps + 1 = ${cfg.steps + 1}`,
  );
  if (!REMOVAL_KINDS.includes(cfg.removal))
    throw new Error(
      `deletionInsertion: unknown removal '${String(cfg.removal)}'; use ${REMOVAL_KINDS.join(' or ')}`,
    );
  assertRank(images, 4, 'deletionInsertion: images');
  const [b, h, w, c] = images.shape;
  const shape = `[${images.shape.join(', ')}]`;
  if (
    !acceptedChannels(blackBox).includes(c) ||
    h !== blackBox.inputSize[0] ||
    w !== blackBox.inputSize[1]
  )
    throw new Error(
      `deletionInsertion: images ${shape} do not fit black box "${blackBox.name}" (input ${blackBox.inputSize.join('×')}, channels ${acceptedChannels(blackBox).join(' or ')})`,
    );
  assertShape(masks, [b, h, w, 1], `deletionInsertion: masks (for images ${shape})`);
  if (classes.length !== b)
    throw new Error(`deletionInsertion: ${classes.length} classes for images ${shape}`);
  assertClassIndices(classes, blackBox.classNames.length, 'deletionInsertion: class index');
  assertRange(images, 0, 1, `deletionInsertion: images ${shape}`);
  assertFinite(masks, `deletionInsertion: masks [${masks.shape.join(', ')}]`);
  const empty = (): ProbabilityCurves => ({ curve: [], auc: [] });
  if (b === 0) return { deletion: empty(), insertion: empty() };

  const steps = cfg.steps;
  const points = steps + 1;
  const pixels = h * w;
  const cut = Array.from({ length: points }, (_, t) => Math.round((t * pixels) / steps));
  const values = masks.dataSync();
  const rng = new Random(`deletion-insertion/${cfg.tieSeed}`);
  const ranks = Array.from({ length: b }, (_, i) =>
    removalRanks(values.subarray(i * pixels, (i + 1) * pixels), rng.fork(i)),
  );
  const alternative = alternativeImages(images, {
    kind: cfg.removal,
    constantColour: cfg.constantColour,
    checkRange: false,
  });
  const curves = { deletion: [] as number[][], insertion: [] as number[][] };
  try {
    const perCall = Math.floor(cfg.maxBatch / (2 * points)) || 1;
    for (let start = 0; start < b; start += perCall) {
      const chunk = Array.from({ length: Math.min(perCall, b - start) }, (_, k) => start + k);
      // Keep-masks: per image, T + 1 deletion masks then T + 1 insertion masks.
      const keep = new Float32Array(chunk.length * 2 * points * pixels);
      chunk.forEach((i, k) => {
        const rank = ranks[i];
        for (let t = 0; t < points; t++) {
          const del = ((k * 2 + 0) * points + t) * pixels;
          const ins = ((k * 2 + 1) * points + t) * pixels;
          for (let p = 0; p < pixels; p++) {
            const removed = rank[p] < cut[t];
            keep[del + p] = removed ? 0 : 1;
            keep[ins + p] = removed ? 1 : 0;
          }
        }
      });
      const source = chunk.flatMap((i) => new Array<number>(2 * points).fill(i));
      const probabilities = tf.tidy(() => {
        const x = tf.gather(images, source);
        const a = tf.gather(alternative, source);
        const m = tf.tensor4d(keep, [source.length, h, w, 1]);
        const composite = tf.add(a, tf.mul(tf.sub(x, a), m)) as tf.Tensor4D;
        const probs = blackBox.predict(composite);
        const wanted = tf.tensor1d(
          source.map((i) => classes[i]),
          'int32',
        );
        return tf.sum(tf.mul(probs, tf.oneHot(wanted, blackBox.classNames.length)), 1).dataSync();
      });
      chunk.forEach((_, k) => {
        const at = (kind: number) =>
          Array.from(probabilities.subarray((k * 2 + kind) * points, (k * 2 + kind + 1) * points));
        curves.deletion.push(at(0));
        curves.insertion.push(at(1));
      });
    }
  } finally {
    alternative.dispose();
  }
  return {
    deletion: { curve: curves.deletion, auc: curves.deletion.map(curveAuc) },
    insertion: { curve: curves.insertion, auc: curves.insertion.map(curveAuc) },
  };
}
