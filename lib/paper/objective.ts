/**
 * The saliency objective of Dabkowski & Gal (2017), "Real Time Image Saliency
 * for Black Box Classifiers", §4, for a mask M of image X and class c:
 *
 *     L(M) = λ1·TV(M) + λ2·AV(M) − log f_c(Φ(X, M)) + λ3·f_c(Φ(X, 1 − M))^λ4
 *
 * f_c is the black box's probability of class c, Φ the evidence removal of
 * `evidence.ts`, TV and AV the regularisers of `regularisers.ts`. The first
 * two terms keep the mask small and smooth, the third asks the kept region to
 * preserve the class ("smallest sufficient region"), the fourth asks the
 * removed region to destroy it ("smallest destroying region"). For a fake
 * class (one absent from the image, fed during masker training) only the area
 * term applies, so the mask learns to vanish.
 */
import * as tf from '@tensorflow/tfjs';
import {
  RangeCheckOption,
  assertClassIndices,
  assertNonEmptyBatch,
  assertNumber,
  assertRange,
  assertRank,
  assertShape,
} from '../core/checks';
import { AlternativeConfig, AlternativeKind, alternativeImages, removeEvidence } from './evidence';
import { assertImagesFor, BlackBox } from '../classifiers/black-box';
import { TvNormalisation, averageArea, totalVariation } from './regularisers';

/** The weights λ1..λ4 of L(M). */
export interface ObjectiveLambdas {
  /** λ1, weight of TV(M). */
  tv: number;
  /** λ2, weight of AV(M). */
  area: number;
  /** λ3, weight of the destroyer term f_c(Φ(X, 1 − M))^λ4. */
  destroy: number;
  /** λ4, power of the destroyer term. */
  destroyPower: number;
}

/**
 * The paper's printed values λ1 = 10, λ2 = 10⁻³, λ3 = 5, λ4 = 0.3. The paper
 * does not state its TV/AV normalisation; read with the kit's
 * `tvNormalisation: 'mean'` and AV = mean of M, λ2 = 10⁻³ barely weighs the
 * area, and masks cover nearly the whole image. The default of
 * {@link saliencyObjective}; iterative masks and masker training default to
 * {@link CALIBRATED_LAMBDAS} and take these as `lambdas: PAPER_LAMBDAS`.
 */
export const PAPER_LAMBDAS: Readonly<ObjectiveLambdas> = Object.freeze({
  tv: 10,
  area: 1e-3,
  destroy: 5,
  destroyPower: 0.3,
});

/**
 * λ's calibrated for the kit's normalisation (mean TV, AV = mean of M) on
 * Cluttered Fashion-MNIST: λ1 = 10, λ2 = 8, λ3 = 5, λ4 = 0.3 (only λ2 differs
 * from {@link PAPER_LAMBDAS}). The default of masker training and of
 * `iterativeMask`.
 *
 * How λ2 = 8 was chosen (a calibration grid, the λ ablation and two masker
 * runs): docs/design.md §6.
 */
export const CALIBRATED_LAMBDAS: Readonly<ObjectiveLambdas> = Object.freeze({
  tv: 10,
  area: 8,
  destroy: 5,
  destroyPower: 0.3,
});

/** Configuration of {@link saliencyObjective}. */
export interface ObjectiveConfig {
  /** λ1..λ4; default {@link PAPER_LAMBDAS}. */
  lambdas: ObjectiveLambdas;
  /** TV normalisation; default `'mean'` (see `regularisers.ts`). */
  tvNormalisation: TvNormalisation;
  /** Which alternative image A Φ uses; default `'random-mix'` (the paper's training choice). */
  alternative: AlternativeKind;
  /** Further options of A (blur σ, noise std, constant colour, seed); default none. */
  alternativeOptions: Partial<Omit<AlternativeConfig, 'kind'>>;
  /** Probabilities are floored here before the log and the power, p ← max(p, floor); default 1e-7. */
  probabilityFloor: number;
}

/** The defaults of {@link ObjectiveConfig}. */
export const DEFAULT_OBJECTIVE_CONFIG: Readonly<ObjectiveConfig> = Object.freeze({
  lambdas: PAPER_LAMBDAS,
  tvNormalisation: 'mean',
  alternative: 'random-mix',
  alternativeOptions: {},
  probabilityFloor: 1e-7,
});

/**
 * Per-image terms of L, each `[B]`, already weighted so that
 * `total = tv + area + preserve + destroy`. For a fake class `tv`, `preserve`
 * and `destroy` are 0.
 */
export interface ObjectiveTerms {
  /** L(M) per image. */
  total: tf.Tensor1D;
  /** λ1·TV(M). */
  tv: tf.Tensor1D;
  /** λ2·AV(M). */
  area: tf.Tensor1D;
  /** −log f_c(Φ(X, M)). */
  preserve: tf.Tensor1D;
  /** λ3·f_c(Φ(X, 1 − M))^λ4. */
  destroy: tf.Tensor1D;
}

/** What {@link saliencyObjective} returns; the caller disposes every tensor in it. */
export interface ObjectiveResult {
  /** The batch mean of `terms.total`: the scalar to minimise. */
  loss: tf.Scalar;
  terms: ObjectiveTerms;
}

/**
 * Per-call inputs of {@link saliencyObjective} besides the tensors, and
 * `checkRange` (default true): check that images, masks and a given A lie in
 * [0, 1], one small read-back each. A loop that checked its images once and
 * keeps its masks in [0, 1] by construction (iterative masks) skips it.
 */
export interface ObjectiveOptions extends RangeCheckOption {
  /** Overrides of {@link DEFAULT_OBJECTIVE_CONFIG}. */
  config?: Partial<ObjectiveConfig>;
  /** `isFake[i]`: class `classes[i]` is absent from image i, so only the area term applies; default all false. */
  isFake?: readonly boolean[];
  /**
   * A ready alternative image `[B, H, W, C]`, used instead of drawing one from
   * `config.alternative` (to share one A across iterations, for instance).
   * Not disposed here.
   */
  alternativeImages?: tf.Tensor4D;
}

/**
 * Evaluates L(M) for a batch. The black box runs once, on the preserved
 * images Φ(X, M) and the destroyed images Φ(X, 1 − M) stacked into one batch
 * of 2B; both use the same A.
 *
 * Use inside `tf.grad` / `tf.variableGrads` by returning `.loss` from the
 * closure: the forward pass there runs in a tidy, which disposes the terms
 * (read them inside the closure to log them). Outside a gradient call, the
 * caller disposes `loss` and every tensor of `terms`.
 *
 * @param blackBox the classifier f.
 * @param images X, `[B, H, W, C]` in [0, 1], with `[H, W] = blackBox.inputSize`, C a channel count the black box takes.
 * @param masks M, `[B, h, w, 1]` in [0, 1]; TV and AV are taken at (h, w), Φ upsamples to (H, W).
 * @param classes c per image, `B` indices into `blackBox.classNames`.
 * @throws when shapes disagree, the batch is empty (the loss is a batch mean),
 *   an image, mask or A value is NaN or outside [0, 1], a class index is out of
 *   range, or an option is invalid; each message names the argument.
 */
export function saliencyObjective(
  blackBox: BlackBox,
  images: tf.Tensor4D,
  masks: tf.Tensor4D,
  classes: readonly number[],
  options: ObjectiveOptions = {},
): ObjectiveResult {
  const cfg: ObjectiveConfig = { ...DEFAULT_OBJECTIVE_CONFIG, ...options.config };
  const { tv: l1, area: l2, destroy: l3, destroyPower: l4 } = cfg.lambdas;
  for (const [name, value] of Object.entries(cfg.lambdas))
    assertNumber(value, (v) => v >= 0, `saliencyObjective: lambdas.${name}`, '>= 0');
  assertNumber(
    cfg.probabilityFloor,
    (v) => v > 0 && v <= 1,
    'saliencyObjective: probabilityFloor',
    'in (0, 1]',
  );
  assertRank(images, 4, 'saliencyObjective: images');
  const b = images.shape[0];
  const shape = `[${images.shape.join(', ')}]`;
  assertImagesFor(
    blackBox,
    images,
    `saliencyObjective: images for black box "${blackBox.name}"`,
    b,
  );
  assertShape(masks, [b, null, null, 1], `saliencyObjective: masks (for images ${shape})`);
  if (options.alternativeImages)
    assertShape(options.alternativeImages, images.shape, 'saliencyObjective: alternativeImages');
  if (classes.length !== b)
    throw new Error(
      `saliencyObjective: classes has ${classes.length} entries but images ${shape} hold ${b}`,
    );
  assertClassIndices(classes, blackBox.classNames.length, 'saliencyObjective: class index');
  const isFake = options.isFake ?? new Array<boolean>(b).fill(false);
  if (isFake.length !== b)
    throw new Error(
      `saliencyObjective: isFake has ${isFake.length} entries but images ${shape} hold ${b}`,
    );
  assertNonEmptyBatch(b, `saliencyObjective: images ${shape}`, 'the batch-mean loss');
  if (options.checkRange ?? true) {
    assertRange(images, 0, 1, `saliencyObjective: images ${shape}`);
    assertRange(masks, 0, 1, `saliencyObjective: masks [${masks.shape.join(', ')}]`);
    if (options.alternativeImages)
      assertRange(options.alternativeImages, 0, 1, `saliencyObjective: alternativeImages ${shape}`);
  }
  // Everything below works on checked inputs or on tensors made from them.
  const unchecked = { checkRange: false };

  return tf.tidy(() => {
    // 1. Alternative image A and the two edited batches Φ(X, M), Φ(X, 1 − M).
    const alternative =
      options.alternativeImages ??
      alternativeImages(images, { ...cfg.alternativeOptions, kind: cfg.alternative, ...unchecked });
    const preserved = removeEvidence(images, masks, alternative, unchecked);
    const destroyed = removeEvidence(
      images,
      tf.sub(1, masks) as tf.Tensor4D,
      alternative,
      unchecked,
    );

    // 2. One black-box pass on the 2B batch; p = f_c, floored.
    const probs = blackBox.predict(tf.concat([preserved, destroyed], 0));
    const oneHot = tf.oneHot(
      tf.tensor1d([...classes, ...classes], 'int32'),
      blackBox.classNames.length,
    );
    const p = tf.maximum(tf.sum(tf.mul(probs, oneHot), 1), cfg.probabilityFloor);
    const [pKept, pRemoved] = tf.split(p, 2);

    // 3. Weighted terms; a fake class keeps only the area term.
    const real = tf.tensor1d(isFake.map((f) => (f ? 0 : 1)));
    const tv = tf.mul(
      tf.mul(totalVariation(masks, { normalisation: cfg.tvNormalisation, ...unchecked }), l1),
      real,
    ) as tf.Tensor1D;
    const area = tf.mul(averageArea(masks, unchecked), l2) as tf.Tensor1D;
    const preserve = tf.mul(tf.neg(tf.log(pKept)), real) as tf.Tensor1D;
    const destroy = tf.mul(tf.mul(tf.pow(pRemoved, l4), l3), real) as tf.Tensor1D;
    const total = tf.addN([tv, area, preserve, destroy]) as tf.Tensor1D;
    return { loss: tf.mean(total) as tf.Scalar, terms: { total, tv, area, preserve, destroy } };
  });
}
