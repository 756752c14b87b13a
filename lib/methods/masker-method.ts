/**
 * The real-time masking model of Dabkowski & Gal (2017), "Real Time Image
 * Saliency for Black Box Classifiers", as a saliency method with the kit's
 * common signature: one forward pass of the trained masker gives the mask
 * for each image and requested class,
 *
 *     M = masker(X, s)   [B, H, W, 1] in (0, 1)
 *
 * with no optimisation per image (the paper's point: ~1000× faster than
 * iterative masks). The black box is not run at all: it was only needed to
 * train the masker (experiments/paper/train-masker.ts).
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ensureEngine } from '../engine/backend';
import { assertNumber } from '../core/checks';
import type { Masker } from '../masker/masker';
import type { BlackBox } from '../classifiers/black-box';
import { loadMaskerFrom, MASKERS_DIR } from '../masker/masker-assets';
import { checkSaliencyInputs, emptyMaps } from './inputs';

/** Options of {@link maskerSaliency}. */
export interface MaskerSaliencyConfig {
  /**
   * The trained masker to run (kept alive and not disposed here). Default: the
   * masker saved in `path`, loaded for this call and disposed after it (pass
   * a loaded masker to run many batches).
   */
  masker?: Masker;
  /** Folder of a saved masker; default `results/maskers/<blackBox.name>/`. Ignored when `masker` is given. */
  path?: string;
  /** Images per forward pass; default 32. */
  batchSize: number;
}

/** The defaults of {@link MaskerSaliencyConfig}. */
export const DEFAULT_MASKER_SALIENCY_CONFIG: Readonly<MaskerSaliencyConfig> = Object.freeze({
  batchSize: 32,
});

/**
 * Masks from the trained masker.
 * @param blackBox the black box the masker was trained for (only its input size, channels and classes are used).
 * @param images `[B, H, W, C]` in [0, 1] (not disposed).
 * @param classes B class indices.
 * @returns `[B, H, W, 1]` in (0, 1) (`[0, H, W, 1]` for an empty batch); the caller disposes it.
 * @throws (rejects) on bad input, when the masker's class count differs from the
 *   black box's, or when no saved masker exists at the path.
 */
export async function maskerSaliency(
  blackBox: BlackBox,
  images: tf.Tensor4D,
  classes: readonly number[],
  options: Partial<MaskerSaliencyConfig> = {},
): Promise<tf.Tensor4D> {
  await ensureEngine();
  checkSaliencyInputs('maskerSaliency', blackBox, images, classes);
  const cfg: MaskerSaliencyConfig = { ...DEFAULT_MASKER_SALIENCY_CONFIG, ...options };
  assertNumber(
    cfg.batchSize,
    (v) => Number.isInteger(v) && v >= 1,
    'maskerSaliency: batchSize',
    'an integer >= 1',
  );
  if (!cfg.masker) {
    const loaded = await loadMaskerFrom(
      path.resolve(cfg.path ?? path.join(MASKERS_DIR, blackBox.name)),
    );
    try {
      return await maskerSaliency(blackBox, images, classes, { ...cfg, masker: loaded.masker });
    } finally {
      loaded.dispose();
    }
  }
  const masker = cfg.masker;
  if (masker.config.numClasses !== blackBox.classNames.length) {
    throw new Error(
      `maskerSaliency: the masker has ${masker.config.numClasses} classes but black box "${blackBox.name}" has ${blackBox.classNames.length}`,
    );
  }
  const model = masker;
  const b = images.shape[0];
  if (b === 0) return emptyMaps(images);
  return tf.tidy(() => {
    const parts: tf.Tensor4D[] = [];
    for (let start = 0; start < b; start += cfg.batchSize) {
      const size = Math.min(cfg.batchSize, b - start);
      const chunk = tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]);
      // The images were checked above; each chunk is a slice of them.
      const out = model.predict(chunk, classes.slice(start, start + size), { checkRange: false });
      parts.push(out.mask);
    }
    return parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  });
}
