/**
 * Masker training images from a user's image folder (lib/data/image-folder.ts),
 * for training a masker for the user's own model on the user's own images:
 * a {@link MaskerTrainingData} source (lib/masker/masker-training-data.ts)
 * that decodes each batch from disk. Pass k over the folder visits its
 * images in a seeded permutation of its own, so a step is a pure function of
 * the seed and the step number and a resumed run reads what an
 * uninterrupted one would. The class of an image is its label when the
 * folder labels its images, else the model's most probable class.
 *
 * With `onBadImage: 'skip'` the folder's images are decoded once first, to
 * find those the decoder rejects: they are left out of every pass (listed in
 * `skipped`), so that every batch is full and the stream does not depend on
 * when a bad file is first met.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageFolder, SkippedImage } from '../data/image-folder';
import type { BlackBox } from '../classifiers/black-box';
import { Random } from '../core/random';
import { UserError } from '../core/user-error';
import type { MaskerTrainingData } from './masker-training-data';

/** Images decoded at a time by the first pass that finds the images the decoder rejects. */
const SCAN_BATCH = 32;

/** A folder as a training source, and the images it leaves out. */
export interface FolderTrainingData {
  data: MaskerTrainingData;
  /** Images the decoder rejected (with `onBadImage: 'skip'`), left out of training. */
  skipped: readonly SkippedImage[];
  /** Images trained on. */
  images: number;
}

/**
 * Opens `folder` as masker training data for `blackBox` (the folder opened at
 * its input size and channels, with its class names).
 * @param seed seeds the order of every pass.
 * @throws a UserError naming the folder when none of its images can be decoded;
 *   as {@link ImageFolder.batch} does for a bad image with `onBadImage: 'fail'`.
 */
export async function folderTrainingData(
  folder: ImageFolder,
  blackBox: BlackBox,
  seed: number,
): Promise<FolderTrainingData> {
  const rejected = new Set<string>();
  if (folder.config.onBadImage === 'skip') {
    for (let start = 0; start < folder.length; start += SCAN_BATCH) {
      const batch = await folder.batch(start, start + SCAN_BATCH);
      batch.images.dispose();
      batch.skipped.forEach((s) => rejected.add(s.file));
    }
  }
  const usable = folder.entries
    .map((_, i) => i)
    .filter((i) => !rejected.has(folder.entries[i].file));
  if (usable.length === 0)
    throw new UserError(
      `${folder.config.root}: none of its ${folder.length} images can be decoded, so there is nothing to train on`,
    );
  const rng = new Random(`folder-training-data/${seed}`);
  const data: MaskerTrainingData = async (positions) => {
    // A batch spans one or two passes: each pass's order is drawn once per batch.
    const orders = new Map<number, Int32Array>();
    const order = (pass: number) =>
      orders.get(pass) ??
      orders.set(pass, rng.fork(`pass/${pass}`).permutation(usable.length)).get(pass)!;
    const indices = positions.map(
      (p) => usable[order(Math.floor(p / usable.length))[p % usable.length]],
    );
    const batch = await folder.batch(indices);
    const labels =
      batch.labels ??
      tf.tidy(() => Array.from(tf.argMax(blackBox.predict(batch.images), 1).dataSync()));
    return { images: batch.images, labels };
  };
  return { data, skipped: folder.skipped, images: usable.length };
}
