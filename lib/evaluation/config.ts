/**
 * Configuration of the benchmark that reproduces the evaluation of Dabkowski
 * & Gal (2017), "Real Time Image Saliency for Black Box Classifiers", §5, on
 * Cluttered Fashion-MNIST, and the plan of one (method, black box) pair: the
 * image counts that pair really uses, and a hash of everything that decides
 * its numbers, so a finished results file can be recognised and skipped.
 */
import { configHash } from '../core/config-hash';
import { DEFAULT_ALPHA_GRID } from '../metrics/localisation';
import { DEFAULT_TRAIN_BLACK_BOX_CONFIG } from '../classifiers/train-black-box';
import { MethodOptions, registeredMethods } from '../methods/registry';

/** Options of an evaluation; every pair of a run shares them. */
export interface EvaluationConfig {
  /** Single-item test images scored (localisation, crop metric, segmentation, area); default 1000. */
  images: number;
  /**
   * Held-out training images on which α is tuned; default 1000 (a small
   * sample maximised over the α grid overfits it: docs/design.md §6).
   */
  tuneImages: number;
  /** Two-item test images for class selectivity; default 200. */
  pairImages: number;
  /**
   * Single-item test images (the first ones scored) that also get deletion
   * and insertion curves, 68 black-box passes each; default 1000, never more
   * than the test images.
   */
  curveImages: number;
  /**
   * Per-method cap on every image count above (slow methods); default
   * {@link defaultImageLimits}. The counts used are recorded in each results file.
   */
  imageLimits: Partial<Record<string, number>>;
  /** Options passed to the methods; default none (each method's own defaults). */
  methodOptions: MethodOptions;
  /** Images per method call; default 50. */
  batchSize: number;
  /** Images in the batch whose masks/s is measured after a warm-up; default 16 (capped by the method's limit). */
  speedBatch: number;
  /** Seed of the Cluttered Fashion-MNIST renders; default 0 (the renders the black boxes were trained on). */
  dataSeed: number;
  /** Seed that picks the images and the fake classes; default 0. */
  seed: number;
  /** α grid of the localisation tuning; default {@link DEFAULT_ALPHA_GRID}. */
  alphas: readonly number[];
  /**
   * Items at the end of the Fashion-MNIST train split that black-box training
   * never saw, from which the tuning images are drawn; default 5000 (the
   * trainer's validation items).
   */
  heldOutTrainItems: number;
}

/** The caps the registered methods declare (`MethodSpec.imageLimit`: the costly ones; the paper ran iterative masks on fewer images too). */
export function defaultImageLimits(): Record<string, number> {
  return Object.fromEntries(
    registeredMethods().flatMap((m) =>
      m.imageLimit === undefined ? [] : [[m.name, m.imageLimit]],
    ),
  );
}

/** The defaults of {@link EvaluationConfig} but `imageLimits`, which defaults to {@link defaultImageLimits} of the methods registered when the configuration is resolved. */
export const DEFAULT_EVALUATION_CONFIG: Readonly<Omit<EvaluationConfig, 'imageLimits'>> =
  Object.freeze({
    images: 1000,
    tuneImages: 1000,
    pairImages: 200,
    curveImages: 1000,
    methodOptions: {},
    batchSize: 50,
    speedBatch: 16,
    dataSeed: 0,
    seed: 0,
    alphas: DEFAULT_ALPHA_GRID,
    heldOutTrainItems: DEFAULT_TRAIN_BLACK_BOX_CONFIG.validationSize,
  });

/** Version of the protocol implemented by `evaluate-pair.ts`; bump it when the numbers it computes change meaning. */
export const EVALUATION_PROTOCOL_VERSION = 2;

/** Everything that decides one pair's numbers (hashed into {@link PairPlan.configHash}). */
export interface PairPlan {
  method: string;
  blackBox: string;
  /** Fingerprint of the black box's weights. */
  blackBoxFingerprint: string;
  /** The image counts after the method's cap. */
  counts: { tune: number; test: number; pairs: number; curves: number; speed: number };
  /** The method's own options (empty: its defaults). */
  methodOptions: object;
  batchSize: number;
  dataSeed: number;
  seed: number;
  alphas: readonly number[];
  heldOutTrainItems: number;
  protocolVersion: number;
  /** SHA-256 (16 hex digits) of every field above. */
  configHash: string;
}

/** Fills in defaults and checks every count; throws naming the bad field. */
export function resolveEvaluationConfig(config: Partial<EvaluationConfig> = {}): EvaluationConfig {
  const cfg: EvaluationConfig = {
    ...DEFAULT_EVALUATION_CONFIG,
    imageLimits: defaultImageLimits(),
    ...config,
  };
  const positive = (v: number, what: string) => {
    if (!(Number.isInteger(v) && v >= 1))
      throw new Error(`${what} must be a positive integer, got ${v}`);
  };
  positive(cfg.images, 'images');
  positive(cfg.tuneImages, 'tuneImages');
  positive(cfg.pairImages, 'pairImages');
  positive(cfg.curveImages, 'curveImages');
  positive(cfg.batchSize, 'batchSize');
  positive(cfg.speedBatch, 'speedBatch');
  positive(cfg.heldOutTrainItems, 'heldOutTrainItems');
  Object.entries(cfg.imageLimits).forEach(([m, v]) => positive(v as number, `imageLimits['${m}']`));
  if (cfg.alphas.length === 0 || cfg.alphas.some((a) => !(a >= 0)))
    throw new Error(
      `alphas must be a non-empty list of numbers >= 0, got [${cfg.alphas.join(', ')}]`,
    );
  if (cfg.tuneImages > cfg.heldOutTrainItems)
    throw new Error(
      `tuneImages (${cfg.tuneImages}) exceeds the held-out training items (${cfg.heldOutTrainItems})`,
    );
  return cfg;
}

/** The weights fingerprint of one (method, black box) pair: the black box's, plus the method's own weights if any. */
export function pairFingerprint(blackBoxFingerprint: string, methodFingerprint?: string): string {
  return methodFingerprint === undefined
    ? blackBoxFingerprint
    : `${blackBoxFingerprint}+${methodFingerprint}`;
}

/** The plan of one pair under a resolved configuration. */
export function planPair(
  method: string,
  blackBox: string,
  blackBoxFingerprint: string,
  config: EvaluationConfig,
): PairPlan {
  const cap = (n: number) => Math.min(n, config.imageLimits[method] ?? n);
  const fields: Omit<PairPlan, 'configHash'> = {
    method,
    blackBox,
    blackBoxFingerprint,
    counts: {
      tune: cap(config.tuneImages),
      test: cap(config.images),
      pairs: cap(config.pairImages),
      curves: Math.min(cap(config.curveImages), cap(config.images)),
      speed: Math.min(cap(config.images), config.speedBatch),
    },
    methodOptions:
      method in config.methodOptions
        ? (config.methodOptions as Record<string, object>)[method]
        : {},
    batchSize: config.batchSize,
    dataSeed: config.dataSeed,
    seed: config.seed,
    alphas: [...config.alphas],
    heldOutTrainItems: config.heldOutTrainItems,
    protocolVersion: EVALUATION_PROTOCOL_VERSION,
  };
  return { ...fields, configHash: configHash(fields) };
}
