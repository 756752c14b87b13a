/**
 * The evaluation of one saliency method on a user's model and image folder
 * (`evaluate --model --data`), the part of the protocol of Dabkowski & Gal
 * (2017), "Real Time Image Saliency for Black Box Classifiers", §5 that a
 * user's images support:
 *
 * - the class explained is the image's true class when the folder labels
 *   its images (class folders, a labels CSV), else the model's top class;
 * - the crop metric s(a, p) on the tightest box around every map's salient
 *   region (pixels above α × the map's mean), on every image;
 * - localisation (that box's IoU with a ground-truth box of the class ≥ 0.5)
 *   on the images with a VOC box of that class;
 * - the mean mask value and the method's masks per second.
 *
 * α is fixed (`evaluate --alpha`, default 1: the region `explain` draws): a
 * user's folder has no held-out images to tune it on, as the kit's evaluation does.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { configHash } from '../core/config-hash';
import type { Box } from '../data/box';
import type { ImageFolder, SkippedImage } from '../data/image-folder';
import type { AnnotatedBox } from '../data/voc-annotation';
import { cropMetric, CropMetricResult } from '../metrics/crop-metric';
import { localise } from '../metrics/localisation';
import { salientRegionMasks } from '../metrics/salient-region';
import { meanMaskArea } from '../metrics/selectivity';
import { Summary, summarise, mean } from '../metrics/summary';
import type { BlackBox } from '../classifiers/black-box';
import { UserError } from '../core/user-error';
import { methodMasks } from '../methods/registry';
import type { ModelMethod } from '../methods/model-methods';

/** Version of the protocol above; bump it when the numbers change meaning. */
export const FOLDER_EVALUATION_PROTOCOL_VERSION = 1;

/** Options of a folder evaluation; every method of a run shares them. */
export interface FolderEvaluationConfig {
  /** Images scored, the folder's first ones (fewer when the folder holds fewer). */
  images: number;
  /** α of the salient region (the kit's default region rule: 1). */
  alpha: number;
  /** Images per method call. */
  batchSize: number;
}

/** Everything that decides one method's numbers on a folder (hashed into {@link FolderPlan.configHash}). */
export interface FolderPlan {
  method: string;
  /** The model's name, used in the results file's name. */
  model: string;
  /** Fingerprint of the model's weights, and of the method's own (a masker's) after a `+`. */
  fingerprint: string;
  /** Fingerprint of the images scored: their paths, labels, sizes and modification times. */
  data: string;
  /** Images scored. */
  images: number;
  alpha: number;
  batchSize: number;
  /** The method's own settings (empty: its defaults). */
  methodOptions: object;
  protocolVersion: number;
  configHash: string;
}

/**
 * The plan of one method on the folder's first `config.images` images.
 * @param fingerprint the model's weights fingerprint, with the method's own appended (`+…`) when it has weights.
 */
export function planFolderPair(
  method: string,
  model: string,
  fingerprint: string,
  folder: ImageFolder,
  config: FolderEvaluationConfig,
  methodOptions: object,
): FolderPlan {
  const images = Math.min(config.images, folder.length);
  const listed = folder.entries.slice(0, images).map((e) => {
    const stat = fs.statSync(e.file);
    return [e.file, e.label, stat.size, stat.mtimeMs];
  });
  const fields: Omit<FolderPlan, 'configHash'> = {
    method,
    model,
    fingerprint,
    data: configHash(listed),
    images,
    alpha: config.alpha,
    batchSize: config.batchSize,
    methodOptions,
    protocolVersion: FOLDER_EVALUATION_PROTOCOL_VERSION,
  };
  return { ...fields, configHash: configHash(fields) };
}

/** One scored image. */
export interface FolderImageScores {
  file: string;
  /** The class explained. */
  class: number;
  /** The crop metric on the salient box. */
  score: number;
  area: number;
  probability: number;
  /** The salient box; null when the region was empty. */
  salientBox: Box | null;
  /** Best IoU of the salient box with a ground-truth box of the class; null without one. */
  iou: number | null;
  /** That IoU is at least 0.5; null without a ground-truth box. */
  localised: boolean | null;
}

/** What {@link evaluateFolderPair} measures (plain numbers, JSON-ready). */
export interface FolderScores {
  /** Images scored (those the decoder rejected are in `skipped`). */
  images: number;
  /** `'labels'`: each image's true class; `'predictions'`: the model's top class (unlabelled images). */
  classExplained: 'labels' | 'predictions';
  /** The crop metric s(a, p) (lower is better). */
  saliencyMetric: Summary & { meanArea: number; meanProbability: number; emptyFraction: number };
  /** Mean mask value. */
  meanMaskArea: number;
  /** On the images with a ground-truth box of the explained class; null when none has one. */
  localisation: { alpha: number; images: number; error: number; meanIoU: number } | null;
  /** Masks per second over every call (the first includes the engine's warm-up). */
  speed: { masksPerSecond: number; seconds: number };
  perImage: FolderImageScores[];
}

/** The outcome of {@link evaluateFolderPair}. */
export interface FolderPairEvaluation {
  scores: FolderScores;
  skipped: SkippedImage[];
  seconds: number;
  /** `tf.memory().numTensors` before and after; `leaked` = after − before. */
  tensors: { start: number; end: number; leaked: number };
}

/** The ground-truth boxes of `label` among an image's boxes; every box when the annotations carry no class index. */
function boxesOfClass(boxes: readonly AnnotatedBox[], label: number): Box[] {
  return boxes.filter((b) => b.label === null || b.label === label).map((b) => b.box);
}

/**
 * Evaluates one method on the plan's images of `folder`.
 * @param method from `methodsForModel`.
 * @param scoring the model as a black box: the crop metric's classifier and the top class of unlabelled images.
 * @param onProgress called after every batch with the images done.
 * @returns the scores; every tensor made here is disposed.
 * @throws a UserError naming the file on an image the decoder rejects (unless the folder skips them), and when no image could be read.
 */
export async function evaluateFolderPair(
  plan: FolderPlan,
  method: ModelMethod,
  scoring: BlackBox,
  folder: ImageFolder,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<FolderPairEvaluation> {
  const tensorsAtStart = tf.memory().numTensors;
  const start = performance.now();
  const perImage: FolderImageScores[] = [];
  const areas: number[] = [];
  const empty: boolean[] = [];
  const skipped: SkippedImage[] = [];
  let methodSeconds = 0;
  onProgress(0, plan.images);
  for (let first = 0; first < plan.images; first += plan.batchSize) {
    const batch = await folder.batch(first, Math.min(first + plan.batchSize, plan.images));
    try {
      skipped.push(...batch.skipped);
      const b = batch.entries.length;
      if (b === 0) continue;
      const classes = batch.labels
        ? Array.from(batch.labels)
        : tf.tidy(() => Array.from(tf.argMax(scoring.predict(batch.images), 1).dataSync()));
      const truth = batch.boxes.map((boxes, i) => boxesOfClass(boxes, classes[i]));
      const callStart = performance.now();
      const masks = await methodMasks(
        method.name,
        method.blackBox,
        { images: batch.images, classes, boxes: truth.map((t) => t[0] ?? null) },
        method.options,
      );
      try {
        masks.dataSync();
        methodSeconds += (performance.now() - callStart) / 1000;
        areas.push(...meanMaskArea(masks));
        const regions = salientRegionMasks(masks, { alpha: plan.alpha });
        let crop: CropMetricResult;
        try {
          crop = cropMetric(scoring, batch.images, regions, classes);
        } finally {
          regions.dispose();
        }
        empty.push(...crop.empty);
        const boxed = truth.map((t, i) => (t.length > 0 ? i : -1)).filter((i) => i >= 0);
        const located = new Map<number, { iou: number; correct: boolean }>();
        if (boxed.length > 0) {
          const picked = tf.gather(masks, boxed) as tf.Tensor4D;
          try {
            const result = localise(
              picked,
              boxed.map((i) => truth[i]),
              { alpha: plan.alpha },
            );
            boxed.forEach((i, k) =>
              located.set(i, { iou: result.iou[k], correct: result.correct[k] }),
            );
          } finally {
            picked.dispose();
          }
        }
        batch.entries.forEach((entry, i) => {
          perImage.push({
            file: entry.file,
            class: classes[i],
            score: crop.score[i],
            area: crop.area[i],
            probability: crop.probability[i],
            salientBox: crop.empty[i] ? null : crop.box[i],
            iou: located.get(i)?.iou ?? null,
            localised: located.get(i)?.correct ?? null,
          });
        });
      } finally {
        masks.dispose();
      }
    } finally {
      batch.images.dispose();
    }
    onProgress(Math.min(first + plan.batchSize, plan.images), plan.images);
  }
  if (perImage.length === 0)
    throw new UserError(
      `none of the ${plan.images} images could be read (${skipped.map((k) => k.file).join(', ')})`,
    );
  const boxed = perImage.filter((p) => p.iou !== null);
  const tensorsAtEnd = tf.memory().numTensors;
  return {
    scores: {
      images: perImage.length,
      classExplained: folder.labelled ? 'labels' : 'predictions',
      saliencyMetric: {
        ...summarise(perImage.map((p) => p.score)),
        meanArea: mean(perImage.map((p) => p.area)),
        meanProbability: mean(perImage.map((p) => p.probability)),
        emptyFraction: empty.filter(Boolean).length / empty.length,
      },
      meanMaskArea: mean(areas),
      localisation:
        boxed.length === 0
          ? null
          : {
              alpha: plan.alpha,
              images: boxed.length,
              error: boxed.filter((p) => !p.localised).length / boxed.length,
              meanIoU: mean(boxed.map((p) => p.iou as number)),
            },
      speed: { masksPerSecond: perImage.length / methodSeconds, seconds: methodSeconds },
      perImage,
    },
    skipped,
    seconds: (performance.now() - start) / 1000,
    tensors: { start: tensorsAtStart, end: tensorsAtEnd, leaked: tensorsAtEnd - tensorsAtStart },
  };
}
