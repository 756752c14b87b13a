/**
 * Iterative masks, the slow baseline of Dabkowski & Gal (2017), "Real Time
 * Image Saliency for Black Box Classifiers", §5, after Fong & Vedaldi
 * ("Interpretable Explanations of Black Boxes by Meaningful Perturbation",
 * ICCV 2017): optimise the paper's objective directly, per image and class,
 *
 *     M* = argmin_M  λ1·TV(M) + λ2·AV(M) − log f_c(Φ(X, M)) + λ3·f_c(Φ(X, 1 − M))^λ4,
 *
 * over a mask M at reduced resolution (default ¼ of the image side) that Φ
 * upsamples bilinearly. A fresh alternative image A is drawn at every step
 * (default `'random-mix'`: blur or colour + noise, seeded), as in the
 * paper's training, so the mask cannot fit one particular A.
 *
 * Choices, stated:
 * - λ's: `CALIBRATED_LAMBDAS` (λ2 = 8) by default. The paper's printed λ2 =
 *   10⁻³ (`PAPER_LAMBDAS`), with the kit's mean-normalised TV and AV, leaves
 *   the area term so weak that masks cover nearly the whole image; pass
 *   `objective: { lambdas: PAPER_LAMBDAS }` for the printed values.
 * - Optimiser: Adam, learning rate 0.05, by default. The authors' code uses
 *   SGD with momentum 0.9 and learning rate 0.1 (`optimizer: 'sgd-momentum',
 *   learningRate: 0.1`); with the kit's mean-normalised TV and AV the
 *   gradients per mask pixel are small and their scale depends on the mask
 *   size, which Adam's per-parameter step size absorbs.
 * - Staying in [0, 1]: the mask is a plain variable clipped to [0, 1] after
 *   every step (Fong & Vedaldi clamp too). A sigmoid of logits would stall
 *   where it saturates, at exactly the 0 and 1 the mask should reach.
 * - Start: M = 0.5 everywhere, halfway between keeping and removing.
 * - Batching: the per-image objectives are summed, so each mask's gradient
 *   does not depend on how many images share the batch.
 *
 * Works on any black box through `predict` alone (and its gradient). Cost per
 * step: one forward and backward pass on 2B images. It overfits to the image
 * and is slow, which is the paper's point.
 */
import * as tf from '@tensorflow/tfjs';
import { ensureEngine } from '../engine/backend';
import { assertNumber } from '../core/checks';
import { upsampleMask } from '../paper/evidence';
import type { BlackBox } from '../classifiers/black-box';
import {
  CALIBRATED_LAMBDAS,
  DEFAULT_OBJECTIVE_CONFIG,
  ObjectiveConfig,
  ObjectiveTerms,
  saliencyObjective,
} from '../paper/objective';
import { Random } from '../core/random';
import { checkSaliencyInputs, emptyMaps } from './inputs';

/** `'adam'` (default) or SGD with momentum, the authors' choice. */
export type IterativeMaskOptimizer = 'adam' | 'sgd-momentum';

/** What {@link IterativeMaskConfig.onIteration} receives after each step. */
export interface IterationInfo {
  /** Index of the step just taken, 0-based. */
  iteration: number;
  /** The batch mean of L at the mask the step started from (the value the step differentiated). */
  loss: number;
  /** Each weighted term of L per image (`B` numbers each), at that same mask. */
  terms: Record<keyof ObjectiveTerms, number[]>;
  /**
   * The low-resolution masks after the step, `[B, h, w, 1]` in [0, 1]. Valid only
   * during the callback and not to be disposed: clone what you keep.
   */
  masks: tf.Tensor4D;
}

/** Options of {@link iterativeMask}. */
export interface IterativeMaskConfig {
  /** Optimised mask size `[h, w]`; default `[⌈H/4⌉, ⌈W/4⌉]` (16×16 at 64×64). */
  maskSize?: readonly [number, number];
  /** Optimisation steps; default 300. */
  iterations: number;
  /** Default `'adam'`. */
  optimizer: IterativeMaskOptimizer;
  /** Step size; default 0.05 (the authors' SGD used 0.1). */
  learningRate: number;
  /** Momentum of `'sgd-momentum'`; default 0.9. Ignored by Adam. */
  momentum: number;
  /** Value of every mask pixel at the start, in [0, 1]; default 0.5. */
  initialValue: number;
  /**
   * The objective: λ's, TV normalisation, alternative image; each field given
   * replaces the default's. Default λ's {@link CALIBRATED_LAMBDAS} (the kit's
   * normalisation takes them; the paper's printed `PAPER_LAMBDAS` (lib/paper/objective.ts) make
   * masks cover nearly the whole image here: pass `{ lambdas: PAPER_LAMBDAS }`
   * for them), the other fields {@link DEFAULT_OBJECTIVE_CONFIG} (`'random-mix'` A).
   * Its `alternativeOptions.seed` is replaced by one drawn from `seed` at each step.
   */
  objective: Partial<ObjectiveConfig>;
  /** Seed of the alternative images, one draw per step; default 0. */
  seed: number;
  /** Called after every step (loss curves, masks over iterations); awaited. Default none. */
  onIteration?: (info: IterationInfo) => void | Promise<void>;
}

/** The defaults of {@link IterativeMaskConfig}. */
export const DEFAULT_ITERATIVE_MASK_CONFIG: Readonly<IterativeMaskConfig> = Object.freeze({
  iterations: 300,
  optimizer: 'adam',
  learningRate: 0.05,
  momentum: 0.9,
  initialValue: 0.5,
  objective: Object.freeze({ lambdas: CALIBRATED_LAMBDAS }),
  seed: 0,
});

/**
 * Optimises one mask per image for its class.
 * @param images X, `[B, H, W, C]` in [0, 1], `[H, W] = blackBox.inputSize`.
 * @param classes c per image.
 * @returns M* upsampled to `[B, H, W, 1]`, in [0, 1] by construction (not
 *   rescaled: 0.5 keeps its meaning for the crop metric); the caller disposes it.
 */
export async function iterativeMask(
  blackBox: BlackBox,
  images: tf.Tensor4D,
  classes: readonly number[],
  options: Partial<IterativeMaskConfig> = {},
): Promise<tf.Tensor4D> {
  await ensureEngine();
  checkSaliencyInputs('iterativeMask', blackBox, images, classes);
  const cfg: IterativeMaskConfig = { ...DEFAULT_ITERATIVE_MASK_CONFIG, ...options };
  const [b, h, w] = images.shape;
  const [mh, mw] = cfg.maskSize ?? [Math.ceil(h / 4), Math.ceil(w / 4)];
  assertNumber(
    mh,
    (v) => Number.isInteger(v) && v >= 1 && v <= h,
    'iterativeMask: maskSize[0]',
    `an integer in [1, ${h}]`,
  );
  assertNumber(
    mw,
    (v) => Number.isInteger(v) && v >= 1 && v <= w,
    'iterativeMask: maskSize[1]',
    `an integer in [1, ${w}]`,
  );
  assertNumber(
    cfg.iterations,
    (v) => Number.isInteger(v) && v >= 0,
    'iterativeMask: iterations',
    'an integer >= 0',
  );
  assertNumber(cfg.learningRate, (v) => v > 0, 'iterativeMask: learningRate', '> 0');
  assertNumber(cfg.momentum, (v) => v >= 0 && v < 1, 'iterativeMask: momentum', 'in [0, 1)');
  assertNumber(
    cfg.initialValue,
    (v) => v >= 0 && v <= 1,
    'iterativeMask: initialValue',
    'in [0, 1]',
  );
  if (cfg.optimizer !== 'adam' && cfg.optimizer !== 'sgd-momentum') {
    throw new Error(
      `iterativeMask: unknown optimizer "${String(cfg.optimizer)}"; use adam or sgd-momentum`,
    );
  }
  if (b === 0) return emptyMaps(images);
  const objective: ObjectiveConfig = {
    ...DEFAULT_OBJECTIVE_CONFIG,
    ...DEFAULT_ITERATIVE_MASK_CONFIG.objective,
    ...options.objective,
  };
  const rng = new Random(cfg.seed);

  const start = tf.fill([b, mh, mw, 1], cfg.initialValue) as tf.Tensor4D;
  const mask = tf.variable(start, true);
  start.dispose();
  const optimizer =
    cfg.optimizer === 'adam'
      ? tf.train.adam(cfg.learningRate)
      : tf.train.momentum(cfg.learningRate, cfg.momentum);
  try {
    for (let iteration = 0; iteration < cfg.iterations; iteration++) {
      // 1. A step on Σ_b L_b with this step's alternative images.
      const config = {
        ...objective,
        alternativeOptions: { ...objective.alternativeOptions, seed: rng.int(0, 2 ** 31) },
      };
      let terms: IterationInfo['terms'] | undefined;
      optimizer.minimize(
        () => {
          // Images were checked above; the mask stays in [0, 1] by the clipping below.
          const result = saliencyObjective(blackBox, images, mask, classes, {
            config,
            checkRange: false,
          });
          if (cfg.onIteration) {
            const read = (t: tf.Tensor1D) => Array.from(t.dataSync());
            const r = result.terms;
            terms = {
              total: read(r.total),
              tv: read(r.tv),
              area: read(r.area),
              preserve: read(r.preserve),
              destroy: read(r.destroy),
            };
          }
          return tf.sum(result.terms.total) as tf.Scalar;
        },
        false,
        [mask],
      );
      // 2. Back into [0, 1].
      tf.tidy(() => mask.assign(tf.clipByValue(mask, 0, 1)));
      if (cfg.onIteration && terms) {
        const loss = terms.total.reduce((s, v) => s + v, 0) / b;
        await cfg.onIteration({ iteration, loss, terms, masks: mask });
      }
    }
    return tf.tidy(() => tf.clipByValue(upsampleMask(mask, [h, w]), 0, 1));
  } finally {
    mask.dispose();
    optimizer.dispose();
  }
}
