/**
 * The evaluation of one saliency method on one black box, after Dabkowski &
 * Gal (2017), "Real Time Image Saliency for Black Box Classifiers", §5, on
 * Cluttered Fashion-MNIST (docs/design.md §3). Stages, in order:
 *
 * 1. `tune`: maps of held-out training images (train items the black boxes
 *    never saw); α of the localisation rule "map > α × mean" is picked on
 *    them over the grid (`tuneAlpha`, Fong & Vedaldi's protocol).
 * 2. `test`: maps of single-item test images for their true class, scored at
 *    the tuned α: localisation (tightest box, IoU ≥ 0.5), segmentation IoU
 *    against the item's silhouette, the paper's crop metric s(a, p) on the
 *    tightest box around the same salient region, and the mean mask value;
 *    the pointing game, and on the first `counts.curves` images deletion and
 *    insertion curves with both alternative images (literature-scores.ts).
 * 3. `pairs`: two-item test images; maps for each item's class score class
 *    selectivity (share of mask mass in the requested item's box vs the
 *    other's) and the pointing game on the requested item, and a map for a
 *    random class absent from the image gives the fake-class mask area.
 * 4. `speed`: after the stages above have warmed the kernels up, one timed
 *    call on a single image (latency) and one on a batch (masks/s).
 *
 * The class explained is always the ground-truth label (not the black box's
 * prediction), as in the paper's localisation protocol.
 */
import * as tf from '@tensorflow/tfjs';
import { ClutteredBatch, ClutteredFashionMnist } from '../data/cluttered';
import { cropMetric } from '../metrics/crop-metric';
import { localise, tuneAlpha, TuneAlphaResult } from '../metrics/localisation';
import { salientRegionMasks } from '../metrics/salient-region';
import { segmentationIoU } from '../metrics/segmentation';
import { boxRegions, classSelectivity, meanMaskArea } from '../metrics/selectivity';
import { Summary, summarise, mean } from '../metrics/summary';
import { Random } from '../core/random';
import type { WhiteBox } from '../classifiers/white-box';
import { PairPlan } from './config';
import { LiteratureScoreResult, LiteratureScores } from './literature-scores';
import {
  MaskRequest,
  mergeMethodOptions,
  MethodOptions,
  MethodTraits,
  methodMasks,
  methodSpec,
} from '../methods/registry';

/** The stages of {@link evaluatePair}, in order. */
export type EvaluationStage = 'tune' | 'test' | 'pairs' | 'speed';

/** Progress of one stage, in images. */
export interface EvaluationProgress {
  stage: EvaluationStage;
  done: number;
  total: number;
}

/** What {@link evaluatePair} measures (plain numbers, JSON-ready). */
export interface PairScores {
  /** α tuning on held-out training images. */
  tuning: TuneAlphaResult;
  localisation: {
    /** The tuned α used on the test images. */
    alpha: number;
    /** Fraction of test images not localised (IoU < 0.5). */
    error: number;
    meanIoU: number;
  };
  /** The crop metric s(a, p) on the salient region's tightest box (lower is better). */
  saliencyMetric: Summary & {
    /** Mean crop area a (fraction of the image). */
    meanArea: number;
    /** Mean class probability p on the crops. */
    meanProbability: number;
    /** Fraction of images whose salient region was empty (scored on the whole image). */
    emptyFraction: number;
  };
  /** IoU of the salient region with the item's silhouette. */
  segmentation: { meanIoU: number };
  /** Mean mask value on the single-item test images (AV of the paper). */
  meanMaskArea: number;
  /** The distribution of the mask area (mean mask value per image) on the single-item test images, histogram over [0, 1]. */
  maskArea: Summary;
  /** Class selectivity on two-item images. */
  selectivity: {
    /** Mean share of mask mass inside the requested item's box (want high). */
    requestedMass: number;
    /** Mean share inside the other item's box (want low). */
    otherMass: number;
    /** Mean mask value for the items' own classes. */
    presentClassMeanArea: number;
    /** Mean mask value for a random class absent from the image (want ≈ 0). */
    fakeClassMeanArea: number;
  } & MethodTraits & { note: string };
  /** Pointing game on single- and two-item images (lib/evaluation/literature-scores.ts). */
  pointingGame: LiteratureScoreResult['pointingGame'];
  /** Deletion AUC per alternative image, on the first `counts.curves` test images (lower is better). */
  deletionAuc: LiteratureScoreResult['deletionAuc'];
  /** Insertion AUC per alternative image, on the same images (higher is better). */
  insertionAuc: LiteratureScoreResult['insertionAuc'];
  /** Mean deletion and insertion curves, for plotting. */
  curves: LiteratureScoreResult['curves'];
  speed: {
    /** Masks per second on a batch of `batchSize` images. */
    masksPerSecond: number;
    batchSize: number;
    /** Milliseconds for one call on one image. */
    latencyMs: number;
  };
}

/** Seconds per stage. */
export type StageSeconds = Record<EvaluationStage, number>;

/** The outcome of {@link evaluatePair}. */
export interface PairEvaluation {
  scores: PairScores;
  timings: StageSeconds & { total: number };
  /** `tf.memory().numTensors` before and after the pair; `leaked` = after − before. */
  tensors: { start: number; end: number; leaked: number };
}

/** The first `count` entries of a seeded permutation of `pool` indices, offset by `start`. */
function pickIndices(count: number, start: number, pool: number, rng: Random): number[] {
  return Array.from(rng.permutation(pool).subarray(0, count), (i) => start + i);
}

/** Computes a batch's masks for a request, runs `use` on them, and disposes them. */
async function withMasks<T>(
  plan: PairPlan,
  blackBox: WhiteBox,
  options: MethodOptions,
  request: MaskRequest,
  use: (masks: tf.Tensor4D) => T,
): Promise<T> {
  const masks = await methodMasks(plan.method, blackBox, request, options);
  try {
    return use(masks);
  } finally {
    masks.dispose();
  }
}

/** Runs `step` over `indices` in batches of `batchSize`, reporting progress. */
async function inBatches(
  data: ClutteredFashionMnist,
  indices: readonly number[],
  batchSize: number,
  stage: EvaluationStage,
  onProgress: (p: EvaluationProgress) => void,
  step: (batch: ClutteredBatch) => Promise<void>,
): Promise<void> {
  onProgress({ stage, done: 0, total: indices.length });
  for (let start = 0; start < indices.length; start += batchSize) {
    const batch = data.batch(indices.slice(start, start + batchSize));
    try {
      await step(batch);
    } finally {
      batch.images.dispose();
    }
    onProgress({ stage, done: Math.min(indices.length, start + batchSize), total: indices.length });
  }
}

/** Seconds taken by one method call (its masks read back, then disposed). */
async function timeCall(
  plan: PairPlan,
  blackBox: WhiteBox,
  options: MethodOptions,
  batch: ClutteredBatch,
): Promise<number> {
  const start = performance.now();
  await withMasks(
    plan,
    blackBox,
    options,
    { images: batch.images, classes: Array.from(batch.labels), boxes: batch.boxes },
    (m) => m.dataSync(),
  );
  return (performance.now() - start) / 1000;
}

/**
 * Evaluates one method on one black box (stages in the file comment).
 * @param plan from `planPair` (counts, seeds, options).
 * @param blackBox the black box (a white box, for Grad-CAM); not disposed.
 * @param runtimeOptions method options that are objects (a loaded masker), merged over `plan.methodOptions`; default none.
 * @param onProgress called after every batch of every stage.
 * @returns the scores, the seconds per stage and the tensor count before and after.
 */
export async function evaluatePair(
  plan: PairPlan,
  blackBox: WhiteBox,
  runtimeOptions: MethodOptions = {},
  onProgress: (p: EvaluationProgress) => void = () => undefined,
): Promise<PairEvaluation> {
  const options = mergeMethodOptions(plan.method, plan.methodOptions, runtimeOptions);
  const tensorsAtStart = tf.memory().numTensors;
  const seconds: Partial<StageSeconds> = {};
  const clock = { stage: performance.now() };
  const lap = (stage: EvaluationStage) => {
    const now = performance.now();
    seconds[stage] = (now - clock.stage) / 1000;
    clock.stage = now;
  };
  const rng = new Random(`evaluation/${plan.seed}`);
  const { counts, batchSize, dataSeed } = plan;

  // 1. Tune α on held-out training images.
  const train = new ClutteredFashionMnist({ split: 'train', seed: dataSeed });
  const tuneIndices = pickIndices(
    counts.tune,
    train.length - plan.heldOutTrainItems,
    plan.heldOutTrainItems,
    rng.fork('tune'),
  );
  const tuneMaps: tf.Tensor4D[] = [];
  const tuneBoxes: ClutteredBatch['boxes'] = [];
  let tuning: TuneAlphaResult;
  try {
    await inBatches(train, tuneIndices, batchSize, 'tune', onProgress, async (batch) => {
      tuneMaps.push(
        await methodMasks(
          plan.method,
          blackBox,
          { images: batch.images, classes: Array.from(batch.labels), boxes: batch.boxes },
          options,
        ),
      );
      tuneBoxes.push(...batch.boxes);
    });
    const all = tf.concat(tuneMaps);
    tuning = tuneAlpha(all, tuneBoxes, { alphas: plan.alphas });
    all.dispose();
  } finally {
    tf.dispose(tuneMaps);
  }
  const alpha = tuning.alpha;
  lap('tune');

  // 2. Single-item test images at the tuned α.
  const test = new ClutteredFashionMnist({ split: 'test', seed: dataSeed });
  const testIndices = pickIndices(counts.test, 0, test.length, rng.fork('test'));
  const acc = {
    correct: [] as boolean[],
    iou: [] as number[],
    segmentation: [] as number[],
    area: [] as number[],
    score: [] as number[],
    cropArea: [] as number[],
    probability: [] as number[],
    empty: [] as boolean[],
  };
  const literature = new LiteratureScores(counts.curves);
  await inBatches(test, testIndices, batchSize, 'test', onProgress, async (batch) => {
    const classes = Array.from(batch.labels);
    await withMasks(
      plan,
      blackBox,
      options,
      { images: batch.images, classes, boxes: batch.boxes },
      (masks) => {
        const located = localise(masks, batch.boxes, { alpha });
        acc.correct.push(...located.correct);
        acc.iou.push(...located.iou);
        acc.segmentation.push(...segmentationIoU(masks, batch.silhouettes, { alpha }));
        acc.area.push(...meanMaskArea(masks));
        literature.addTest(blackBox, batch.images, masks, classes, batch.boxes);
        const regions = salientRegionMasks(masks, { alpha });
        try {
          const crop = cropMetric(blackBox, batch.images, regions, classes);
          acc.score.push(...crop.score);
          acc.cropArea.push(...crop.area);
          acc.probability.push(...crop.probability);
          acc.empty.push(...crop.empty);
        } finally {
          regions.dispose();
        }
      },
    );
  });
  lap('test');

  // 3. Two-item test images: each item's class, then an absent class.
  const pairs = new ClutteredFashionMnist({ split: 'test', variant: 'pair', seed: dataSeed });
  const pairIndices = pickIndices(counts.pairs, 0, pairs.length, rng.fork('pairs'));
  const fakeRng = rng.fork('fake-classes');
  const numClasses = blackBox.classNames.length;
  const sel = {
    requested: [] as number[],
    other: [] as number[],
    presentArea: [] as number[],
    fakeArea: [] as number[],
  };
  await inBatches(pairs, pairIndices, batchSize, 'pairs', onProgress, async (batch) => {
    const [, h, w] = batch.images.shape;
    for (const k of [0, 1]) {
      const mine = batch.items.map((items) => items[k]);
      const others = batch.items.map((items) => items[1 - k]);
      const request = {
        images: batch.images,
        classes: mine.map((it) => it.label),
        boxes: mine.map((it) => it.box),
      };
      await withMasks(plan, blackBox, options, request, (masks) => {
        literature.addPairs(
          masks,
          request.boxes,
          others.map((it) => it.box),
        );
        const s = classSelectivity(
          masks,
          boxRegions(request.boxes, h, w),
          boxRegions(
            others.map((it) => it.box),
            h,
            w,
          ),
        );
        sel.requested.push(...s.requested);
        sel.other.push(...s.other);
        sel.presentArea.push(...meanMaskArea(masks));
      });
    }
    const fake = batch.items.map((items) => {
      const absent = Array.from({ length: numClasses }, (_, c) => c).filter(
        (c) => !items.some((it) => it.label === c),
      );
      return fakeRng.pick(absent);
    });
    await withMasks(
      plan,
      blackBox,
      options,
      { images: batch.images, classes: fake, boxes: fake.map(() => null) },
      (masks) => sel.fakeArea.push(...meanMaskArea(masks)),
    );
  });
  lap('pairs');

  // 4. Speed: one image, then one batch.
  onProgress({ stage: 'speed', done: 0, total: counts.speed });
  const one = test.batch(testIndices.slice(0, 1));
  const many = test.batch(testIndices.slice(0, counts.speed));
  let latency: number;
  let batchSeconds: number;
  try {
    latency = await timeCall(plan, blackBox, options, one);
    batchSeconds = await timeCall(plan, blackBox, options, many);
  } finally {
    tf.dispose([one.images, many.images]);
  }
  onProgress({ stage: 'speed', done: counts.speed, total: counts.speed });
  lap('speed');

  const traits = methodSpec(plan.method).traits;
  const note = traits.perImageNormalised
    ? 'maps are rescaled per image, so an absent class still gets a full-strength map: the fake-class area measures the normalisation, not the method'
    : traits.classBlind
      ? 'the mask ignores the class: selectivity and fake-class area are those of a fixed mask'
      : 'masks are not rescaled per image: a class-selective method gives a fake-class area near 0';
  const tensorsAtEnd = tf.memory().numTensors;
  const stageSeconds = seconds as StageSeconds;
  return {
    scores: {
      tuning,
      localisation: {
        alpha,
        error: acc.correct.filter((c) => !c).length / acc.correct.length,
        meanIoU: mean(acc.iou),
      },
      saliencyMetric: {
        ...summarise(acc.score),
        meanArea: mean(acc.cropArea),
        meanProbability: mean(acc.probability),
        emptyFraction: acc.empty.filter(Boolean).length / acc.empty.length,
      },
      segmentation: { meanIoU: mean(acc.segmentation) },
      meanMaskArea: mean(acc.area),
      maskArea: summarise(acc.area, { range: [0, 1] }),
      selectivity: {
        requestedMass: mean(sel.requested),
        otherMass: mean(sel.other),
        presentClassMeanArea: mean(sel.presentArea),
        fakeClassMeanArea: mean(sel.fakeArea),
        ...traits,
        note,
      },
      ...literature.result(),
      speed: {
        masksPerSecond: counts.speed / batchSeconds,
        batchSize: counts.speed,
        latencyMs: latency * 1000,
      },
    },
    timings: {
      ...stageSeconds,
      total: stageSeconds.tune + stageSeconds.test + stageSeconds.pairs + stageSeconds.speed,
    },
    tensors: { start: tensorsAtStart, end: tensorsAtEnd, leaked: tensorsAtEnd - tensorsAtStart },
  };
}
