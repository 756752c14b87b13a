/**
 * Background erasing: a label-preserving training augmentation for the kit's
 * black boxes. With probability `probability` per image, a random smooth
 * region of the background — never inside the item's box — is replaced by an
 * alternative image A of the kind the saliency objective uses (blur, or a
 * random colour plus noise; lib/paper/evidence.ts), through the same Φ.
 *
 * Why (measured, README "Black boxes"): black boxes trained on clean cluttered
 * images only had never seen a blurred or noisy patch, and their class
 * probability collapsed when one appeared anywhere, item untouched. The
 * saliency objective then found that removing a patch of background
 * "destroys" the class, and masks landed off the item. ImageNet classifiers
 * are trained on photographs full of out-of-focus and textured regions; this
 * gives the small nets the same indifference to them. It is random erasing
 * (Zhong et al. 2017) restricted to the background, with smooth regions and
 * the objective's fills. The item is never touched, so labels stay exact.
 *
 * Region shape: a `grid × grid` field of uniform noise, upsampled bilinearly
 * to the image, passed through a soft threshold at a random level (so the
 * erased share of the background ranges from nothing to all of it), then
 * multiplied by 0 inside the item's box.
 */
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../data/box';
import { alternativeImages, removeEvidence, upsampleMask } from '../paper/evidence';
import { Random } from '../core/random';

/** Options of {@link eraseBackground}. */
export interface BackgroundErasingConfig {
  /** Share of images erased; 0 turns the augmentation off. */
  probability: number;
  /** Side of the noise field the regions are drawn from; default 4 (blobs about a quarter of the image wide). */
  grid: number;
  /** Steepness of the soft threshold (1/width of the edge, in mask units); default 8. */
  edgeSharpness: number;
}

/** Defaults of {@link BackgroundErasingConfig}. */
export const DEFAULT_BACKGROUND_ERASING: Readonly<BackgroundErasingConfig> = Object.freeze({
  probability: 0.5,
  grid: 4,
  edgeSharpness: 8,
});

/**
 * Erases random background regions of a batch.
 * @param images `[B, H, W, C]` in [0, 1]; not disposed.
 * @param boxes `[B]` the item box of each image (pixels, x1/y1 exclusive); the box is never erased.
 * @param rng source of every random choice (which images, regions, fills); the same state gives the same output.
 * @returns `[B, H, W, C]` in [0, 1]; the caller disposes it (a copy when nothing is erased).
 * @throws when `boxes.length` differs from the batch or `probability` lies outside [0, 1].
 */
export function eraseBackground(
  images: tf.Tensor4D,
  boxes: readonly Box[],
  rng: Random,
  config: Partial<BackgroundErasingConfig> = {},
): tf.Tensor4D {
  const { probability, grid, edgeSharpness } = { ...DEFAULT_BACKGROUND_ERASING, ...config };
  const [b, h, w] = images.shape;
  if (boxes.length !== b)
    throw new Error(`eraseBackground: ${boxes.length} boxes for a batch of ${b} images`);
  if (!(probability >= 0 && probability <= 1))
    throw new Error(`eraseBackground: probability must lie in [0, 1], got ${probability}`);
  if (!(Number.isInteger(grid) && grid >= 1))
    throw new Error(`eraseBackground: grid must be a positive integer, got ${grid}`);

  const erase = Array.from({ length: b }, () => rng.bernoulli(probability));
  // Only the chosen images are computed on, then put back in their places.
  const chosen = erase.flatMap((e, i) => (e ? [i] : []));
  if (chosen.length === 0) return images.clone();
  const n = chosen.length;
  const field = Float32Array.from({ length: n * grid * grid }, () => rng.uniform());
  // A random level: low levels erase most of the background, high ones little.
  const levels = Float32Array.from({ length: n }, () => rng.uniform());
  const outsideBox = new Float32Array(n * h * w).fill(1);
  chosen.forEach((image, k) => {
    const { x0, y0, x1, y1 } = boxes[image];
    for (let y = Math.max(0, y0); y < Math.min(h, y1); y++)
      outsideBox.fill(0, (k * h + y) * w + Math.max(0, x0), (k * h + y) * w + Math.min(w, x1));
  });
  const alternativeSeed = rng.int(0, 2 ** 31);
  let rank = 0;
  const order = erase.map((e, i) => (e ? b + rank++ : i));
  return tf.tidy(() => {
    const picked = tf.gather(images, chosen);
    const smooth = upsampleMask(tf.tensor4d(field, [n, grid, grid, 1]), [h, w]);
    const soft = tf.clipByValue(
      tf.mul(tf.sub(smooth, tf.tensor4d(levels, [n, 1, 1, 1])), edgeSharpness),
      0,
      1,
    );
    const erased = tf.mul(soft, tf.tensor4d(outsideBox, [n, h, w, 1]));
    const alternative = alternativeImages(picked, { kind: 'random-mix', seed: alternativeSeed });
    const replaced = removeEvidence(picked, tf.sub(1, erased) as tf.Tensor4D, alternative);
    return tf.gather(tf.concat([images, replaced]), order) as tf.Tensor4D;
  });
}
