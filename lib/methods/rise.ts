/**
 * RISE, Randomized Input Sampling for Explanation (Petsiuk, Das & Saenko,
 * "RISE: Randomized Input Sampling for Explanation of Black-box Models",
 * BMVC 2018), a black-box baseline for Dabkowski & Gal (2017), "Real Time
 * Image Saliency for Black Box Classifiers". Probe the classifier with the
 * image under N random smooth masks m_i and weigh each mask by the class
 * probability it leaves:
 *
 *     S = Σ_i f_c(X ⊙ m_i) · m_i / (N · E[m]),
 *
 * an estimate of E[f_c(X ⊙ m) | m(i, j) = 1], the expected probability when
 * pixel (i, j) is kept. Masks are made as in the paper: a grid of
 * (s+1)×(s+1) independent Bernoulli(p) cells is upsampled bilinearly so that
 * a cell spans ⌈H/s⌉×⌈W/s⌉ pixels, then cropped to H×W at a random shift of
 * less than one cell, so cell edges fall anywhere. Removed pixels become 0
 * (X ⊙ m), as in the paper. The same N masks serve every image of a batch;
 * they depend only on the seed. The map is min-max normalised to [0, 1] per
 * image: its floor is the mean probability under masking, not 0.
 */
import * as tf from '@tensorflow/tfjs';
import { ensureEngine } from '../engine/backend';
import { assertNumber } from '../core/checks';
import { upsampleMask } from '../paper/evidence';
import type { BlackBox } from '../classifiers/black-box';
import { Random } from '../core/random';
import { checkSaliencyInputs, classProbability, emptyMaps } from './inputs';
import { normaliseMaps } from './normalise';

/** Options of {@link rise}. */
export interface RiseConfig {
  /** N, the number of random masks; default 1000 (the paper uses 4000 at 224×224; 64×64 needs fewer). */
  numMasks: number;
  /** s, cells per side of the low-resolution grid; default 7 (the paper's). */
  gridSize: number;
  /** p = E[m], the probability that a cell is kept; default 0.5 (the paper's). */
  keepProbability: number;
  /** Seed of the masks and shifts; default 0. */
  seed: number;
  /** Masked images per black-box call; default 64. */
  batchSize: number;
}

/** The defaults of {@link RiseConfig}. */
export const DEFAULT_RISE_CONFIG: Readonly<RiseConfig> = Object.freeze({
  numMasks: 1000,
  gridSize: 7,
  keepProbability: 0.5,
  seed: 0,
  batchSize: 64,
});

/**
 * `count` RISE masks drawn from `rng`, in order: each mask's (s+1)² cells, then its row and column shift.
 * @returns `[count, H, W, 1]` in [0, 1]; the caller disposes it.
 */
export function riseMasks(
  count: number,
  size: readonly [number, number],
  gridSize: number,
  keepProbability: number,
  rng: Random,
): tf.Tensor4D {
  const [h, w] = size;
  const cells = gridSize + 1;
  const [cellH, cellW] = [Math.ceil(h / gridSize), Math.ceil(w / gridSize)];
  const [upH, upW] = [cells * cellH, cells * cellW];
  const bits = new Float32Array(count * cells * cells);
  const boxes = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < cells * cells; k++)
      bits[i * cells * cells + k] = rng.bernoulli(keepProbability) ? 1 : 0;
    const dy = rng.int(0, cellH);
    const dx = rng.int(0, cellW);
    // cropAndResize reads [y0, x0, y1, x1] in units of (size − 1), pixel centres inclusive: rows dy..dy+H−1.
    boxes.set(
      [dy / (upH - 1), dx / (upW - 1), (dy + h - 1) / (upH - 1), (dx + w - 1) / (upW - 1)],
      i * 4,
    );
  }
  return tf.tidy(() => {
    const up = upsampleMask(tf.tensor4d(bits, [count, cells, cells, 1]), [upH, upW]);
    return tf.image.cropAndResize(
      up,
      tf.tensor2d(boxes, [count, 4]),
      tf.range(0, count, 1, 'int32') as tf.Tensor1D,
      [h, w],
      'bilinear',
    ) as tf.Tensor4D;
  });
}

/**
 * RISE saliency maps.
 * @param images `[B, H, W, C]` in [0, 1], `[H, W] = blackBox.inputSize`.
 * @param classes the class per image whose probability weighs the masks.
 * @returns `[B, H, W, 1]` in [0, 1] (min-max per image; `[0, H, W, 1]` for an empty batch); the caller disposes it.
 *   Identical for identical seeds, whatever `batchSize`.
 */
export async function rise(
  blackBox: BlackBox,
  images: tf.Tensor4D,
  classes: readonly number[],
  options: Partial<RiseConfig> = {},
): Promise<tf.Tensor4D> {
  await ensureEngine();
  checkSaliencyInputs('rise', blackBox, images, classes);
  const cfg: RiseConfig = { ...DEFAULT_RISE_CONFIG, ...options };
  assertNumber(
    cfg.numMasks,
    (v) => Number.isInteger(v) && v >= 1,
    'rise: numMasks',
    'a positive integer',
  );
  assertNumber(
    cfg.gridSize,
    (v) => Number.isInteger(v) && v >= 1,
    'rise: gridSize',
    'a positive integer',
  );
  assertNumber(cfg.keepProbability, (v) => v > 0 && v <= 1, 'rise: keepProbability', 'in (0, 1]');
  assertNumber(
    cfg.batchSize,
    (v) => Number.isInteger(v) && v >= 1,
    'rise: batchSize',
    'a positive integer',
  );
  if (images.shape[0] === 0) return emptyMaps(images);
  const [b, h, w] = images.shape;
  const rng = new Random(cfg.seed);

  // Σ_i f_c(X ⊙ m_i) · m_i, accumulated chunk by chunk as [B, H·W].
  let sum: tf.Tensor2D = tf.zeros([b, h * w]);
  try {
    for (let i0 = 0; i0 < cfg.numMasks; i0 += cfg.batchSize) {
      const count = Math.min(cfg.batchSize, cfg.numMasks - i0);
      const next = tf.tidy(() => {
        // 1. A chunk of masks, [M, H, W, 1].
        const masks = riseMasks(count, [h, w], cfg.gridSize, cfg.keepProbability, rng);
        // 2. f_c(X_b ⊙ m_i) for every image b: [B, M].
        const probs = tf.stack(
          Array.from({ length: b }, (_, k) => {
            const masked = tf.mul(
              tf.slice(images, [k, 0, 0, 0], [1, h, w, images.shape[3]]),
              masks,
            ) as tf.Tensor4D;
            return classProbability(
              blackBox.predict(masked),
              new Array<number>(count).fill(classes[k]),
            );
          }),
        ) as tf.Tensor2D;
        // 3. Weighted masks: [B, M] · [M, H·W].
        return tf.add(sum, tf.matMul(probs, tf.reshape(masks, [count, h * w]))) as tf.Tensor2D;
      });
      sum.dispose();
      sum = next;
      await tf.nextFrame();
    }
    return tf.tidy(() =>
      normaliseMaps(
        tf.reshape(tf.div(sum, cfg.numMasks * cfg.keepProbability), [b, h, w, 1]),
        'min-max',
      ),
    );
  } finally {
    sum.dispose();
  }
}
