/**
 * Occlusion saliency (Zeiler & Fergus, "Visualizing and Understanding
 * Convolutional Networks", ECCV 2014), a black-box baseline for Dabkowski &
 * Gal (2017), "Real Time Image Saliency for Black Box Classifiers": slide a
 * square patch over the image, replace what it covers with grey or with the
 * blurred image, and record how much the class probability drops:
 *
 *     d_k = f_c(X) − f_c(X with patch k replaced),
 *     S_ij = mean of d_k over the patches k that cover pixel (i, j),
 *
 * then normalise to [0, 1] per image (negative drops, where hiding a region
 * raised the probability, count as no evidence). Averaging over the covering
 * patches is the exact "upsampling" of the patch grid to pixels when patches
 * overlap (stride < patch size). Cost: one black-box pass per patch position.
 */
import * as tf from '@tensorflow/tfjs';
import { ensureEngine } from '../engine/backend';
import { assertNumber } from '../core/checks';
import { defaultBlurSigma } from '../paper/evidence';
import { gaussianBlur } from '../image/gaussian-blur';
import type { BlackBox } from '../classifiers/black-box';
import { checkSaliencyInputs, classProbability, emptyMaps } from './inputs';
import { normaliseMaps } from './normalise';

/** What the occluding patch shows: mid-grey (0.5 in every channel) or the blurred image (the paper's A, σ = 10·W/224). */
export type OcclusionFill = 'grey' | 'blur';

/** Options of {@link occlusion}. */
export interface OcclusionConfig {
  /** Patch side in pixels; default ⌈min(H, W)/8⌉ (8 px at 64×64). */
  patchSize?: number;
  /** Step between patch positions in pixels; default ⌈patchSize/2⌉. The last row and column of patches always touch the far edges. */
  stride?: number;
  /** Default `'grey'` (Zeiler & Fergus's grey square). */
  fill: OcclusionFill;
  /** Occluded images per black-box call; default 64. */
  batchSize: number;
}

/** The defaults of {@link OcclusionConfig}. */
export const DEFAULT_OCCLUSION_CONFIG: Readonly<OcclusionConfig> = Object.freeze({
  fill: 'grey',
  batchSize: 64,
});

/** Patch start offsets 0, s, 2s, … along a side of n pixels, with the last one at n − p. */
function patchStarts(n: number, patch: number, stride: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s + patch < n; s += stride) starts.push(s);
  starts.push(n - patch);
  return starts;
}

/**
 * The patch indicators, `[K, H·W]` (1 inside patch k), and how many patches cover each pixel, `[H·W]`.
 */
function patchIndicators(
  h: number,
  w: number,
  patch: number,
  stride: number,
): { patches: Float32Array; count: number; coverage: Float32Array } {
  const ys = patchStarts(h, patch, stride);
  const xs = patchStarts(w, patch, stride);
  const count = ys.length * xs.length;
  const patches = new Float32Array(count * h * w);
  const coverage = new Float32Array(h * w);
  let k = 0;
  for (const y0 of ys) {
    for (const x0 of xs) {
      for (let y = y0; y < y0 + patch; y++) {
        for (let x = x0; x < x0 + patch; x++) {
          patches[k * h * w + y * w + x] = 1;
          coverage[y * w + x] += 1;
        }
      }
      k++;
    }
  }
  return { patches, count, coverage };
}

/**
 * Occlusion saliency maps.
 * @param images `[B, H, W, C]` in [0, 1], `[H, W] = blackBox.inputSize`.
 * @param classes the class per image whose probability drop is measured.
 * @returns `[B, H, W, 1]` in [0, 1] (divided by each map's maximum; `[0, H, W, 1]` for an empty batch); the caller disposes it.
 * @throws when the patch does not fit the image or the stride is not a positive integer.
 */
export async function occlusion(
  blackBox: BlackBox,
  images: tf.Tensor4D,
  classes: readonly number[],
  options: Partial<OcclusionConfig> = {},
): Promise<tf.Tensor4D> {
  await ensureEngine();
  checkSaliencyInputs('occlusion', blackBox, images, classes);
  const [b, h, w, c] = images.shape;
  const cfg = { ...DEFAULT_OCCLUSION_CONFIG, ...options };
  const patch = cfg.patchSize ?? Math.ceil(Math.min(h, w) / 8);
  const stride = cfg.stride ?? Math.ceil(patch / 2);
  assertNumber(
    patch,
    (v) => Number.isInteger(v) && v >= 1 && v <= Math.min(h, w),
    'occlusion: patchSize',
    `an integer in [1, ${Math.min(h, w)}]`,
  );
  assertNumber(
    stride,
    (v) => Number.isInteger(v) && v >= 1,
    'occlusion: stride',
    'a positive integer',
  );
  assertNumber(
    cfg.batchSize,
    (v) => Number.isInteger(v) && v >= 1,
    'occlusion: batchSize',
    'a positive integer',
  );
  if (cfg.fill !== 'grey' && cfg.fill !== 'blur')
    throw new Error(`occlusion: unknown fill "${String(cfg.fill)}"; use grey or blur`);
  if (b === 0) return emptyMaps(images);

  // 1. Patch indicators and the fill each patch shows.
  const { patches, count, coverage } = patchIndicators(h, w, patch, stride);
  const indicators = tf.tensor2d(patches, [count, h * w]);
  const fill =
    cfg.fill === 'blur' ? gaussianBlur(images, defaultBlurSigma(w)) : tf.fill([b, h, w, c], 0.5);
  const base = tf.tidy(() => classProbability(blackBox.predict(images), classes));
  // Drops of image 0's patches, then image 1's, …: concatenated they form [B, K].
  const drops: tf.Tensor1D[] = [];
  try {
    // 2. Per image and chunk of patches: X + P_k ⊙ (fill − X), and the drop of f_c.
    for (let i = 0; i < b; i++) {
      for (let k0 = 0; k0 < count; k0 += cfg.batchSize) {
        const k1 = Math.min(count, k0 + cfg.batchSize);
        drops.push(
          tf.tidy(() => {
            const x = tf.slice(images, [i, 0, 0, 0], [1, h, w, c]);
            const f = tf.slice(fill, [i, 0, 0, 0], [1, h, w, c]);
            const p = tf.reshape(tf.slice(indicators, [k0, 0], [k1 - k0, h * w]), [
              k1 - k0,
              h,
              w,
              1,
            ]);
            const occluded = tf.add(x, tf.mul(p, tf.sub(f, x))) as tf.Tensor4D;
            const probs = classProbability(
              blackBox.predict(occluded),
              new Array<number>(k1 - k0).fill(classes[i]),
            );
            return tf.sub(tf.slice(base, [i], [1]), probs) as tf.Tensor1D;
          }),
        );
        await tf.nextFrame();
      }
    }

    // 3. Mean drop over the covering patches: [B, K] · [K, H·W] / coverage.
    return tf.tidy(() => {
      const summed = tf.matMul(tf.reshape(tf.concat(drops), [b, count]), indicators);
      const maps = tf.reshape(tf.div(summed, tf.tensor1d(coverage)), [b, h, w, 1]) as tf.Tensor4D;
      return normaliseMaps(maps, 'max');
    });
  } finally {
    tf.dispose([indicators, fill, base, ...drops]);
  }
}
