/**
 * Training the real-time masking model, Dabkowski & Gal (2017), "Real Time
 * Image Saliency for Black Box Classifiers", §4.1–4.2. The masker (frozen
 * encoder, class-selective feature filter, upsamplers, mask head; see
 * `lib/masker/`) is trained to minimise the saliency objective of the black
 * box it explains, for a batch of images X and requested classes s:
 *
 *     loss = mean_b L_b(M_b) + γ · mean_b BCE(max_ij σ(X_ijᵀ C_s), t_b)
 *     L(M) = λ1·TV(M) + λ2·AV(M) − log f_s(Φ(X, M)) + λ3·f_s(Φ(X, 1 − M))^λ4
 *
 * - M is the masker's low-resolution mask (stride 4), where TV and AV are
 *   taken; Φ upsamples it (as iterative masks do at the same resolution).
 * - Fake classes: with probability `fakeClassProbability` (paper: 0.3) an
 *   image's class is replaced by a uniformly drawn other class and only the
 *   area term λ2·AV(M) applies, so the mask learns to vanish for classes
 *   absent from the image.
 * - A is drawn afresh at every step (default `'random-mix'`: per image ½ blur,
 *   ½ random colour + noise).
 * - Embedding speed-up: the second term pushes the largest feature-filter gate
 *   toward t = 1 for a true class and t = 0 for a fake one (binary
 *   cross-entropy, weight γ = `gateLossWeight`).
 * - Adam on `masker.trainableVariables()` only; the encoder stays frozen.
 *
 * Randomness: step k draws its fake classes and its alternative images from
 * `Random(seed).fork('step/k')`, and its images are the training stream's
 * positions k·B … k·B + B − 1. A step is therefore a pure function of the
 * configuration, the step number and the weights, and a resumed run repeats
 * an uninterrupted one step for step.
 */
import * as tf from '@tensorflow/tfjs';
import { ensureEngine } from '../engine/backend';
import { AlternativeKind } from '../paper/evidence';
import { Encoder, Masker, MaskerConfig } from './masker';
import type { BlackBox } from '../classifiers/black-box';
import {
  CALIBRATED_LAMBDAS,
  ObjectiveLambdas,
  PAPER_LAMBDAS,
  saliencyObjective,
} from '../paper/objective';
import { Random } from '../core/random';
import { cosineLearningRate, ScheduledAdam } from '../classifiers/scheduled-adam';
import { loadMaskerCheckpoint, saveMaskerCheckpoint } from './masker-checkpoint';
import { clutteredTrainingData, MaskerTrainingData } from './masker-training-data';
import { decimalNumber } from '../commands/cli';
import { UserError } from '../core/user-error';
import { mean } from '../metrics/summary';

/** Size of the masker trained by default: small enough for ≥ 100 masks/s at 64×64 on one wasm core. */
export const DEFAULT_TRAINED_MASKER_SIZE: Readonly<Partial<Omit<MaskerConfig, 'numClasses'>>> =
  Object.freeze({
    firstUpsamplerChannels: 64,
    residualBlocks: 2,
  });

/** How the masker's learning rate moves over the run. */
export type LearningRateSchedule = 'constant' | 'cosine';
export const LEARNING_RATE_SCHEDULES: readonly LearningRateSchedule[] = ['constant', 'cosine'];

/** Configuration of {@link trainMasker}. */
export interface TrainMaskerConfig {
  /** Optimisation steps; default 1,000 (32,000 images; 10–15 minutes on one wasm core for the kit's 64×64 black boxes), the committed maskers' recipe. */
  steps: number;
  /** Images per step; default 32. */
  batchSize: number;
  /** Adam learning rate (the peak one for `'cosine'`); default 2e-3. */
  learningRate: number;
  /**
   * `'constant'` (default, the committed maskers) or `'cosine'`: decayed to 0
   * over `steps` ({@link cosineLearningRate}), so the final weights are a
   * settled point rather than a snapshot of constant-rate noise. A cosine run
   * cannot be extended by asking for more steps (its schedule depends on them).
   */
  learningRateSchedule: LearningRateSchedule;
  /** λ1..λ4 of L; default {@link CALIBRATED_LAMBDAS}. */
  lambdas: ObjectiveLambdas;
  /**
   * Steps over which λ2 (the area weight) ramps linearly from 0 to its value;
   * default 200. Without the ramp, a large λ2 can shrink every mask to nothing
   * before the preservation term has shaped any (see {@link stepLambdas}).
   */
  areaWarmupSteps: number;
  /** Probability that an image gets a fake class (area term only); default 0.3 (the paper). */
  fakeClassProbability: number;
  /** Alternative image A of Φ, drawn every step; default `'random-mix'` (the paper). */
  alternative: AlternativeKind;
  /** γ, weight of the max-gate cross-entropy (embedding speed-up); default 1. */
  gateLossWeight: number;
  /** Seed of the masker's initial weights and of every random draw; default 0. */
  seed: number;
  /** Masker size, overrides of `DEFAULT_MASKER_CONFIG`; default {@link DEFAULT_TRAINED_MASKER_SIZE}. */
  masker: Partial<Omit<MaskerConfig, 'numClasses' | 'seed'>>;
}

/** The defaults of {@link TrainMaskerConfig}. */
export const DEFAULT_TRAIN_MASKER_CONFIG: Readonly<TrainMaskerConfig> = Object.freeze({
  steps: 1000,
  batchSize: 32,
  learningRate: 2e-3,
  learningRateSchedule: 'constant',
  lambdas: CALIBRATED_LAMBDAS,
  areaWarmupSteps: 200,
  fakeClassProbability: 0.3,
  alternative: 'random-mix',
  gateLossWeight: 1,
  seed: 0,
  masker: DEFAULT_TRAINED_MASKER_SIZE,
});

/** Named λ presets accepted by {@link parseLambdas}. */
export type LambdaPreset = 'paper' | 'calibrated';

/**
 * Reads a λ specification: `paper` ({@link PAPER_LAMBDAS}), `calibrated`
 * ({@link CALIBRATED_LAMBDAS}) or four numbers `tv,area,destroy,power`.
 * @throws naming the accepted forms.
 */
export function parseLambdas(spec: string): ObjectiveLambdas {
  const presets: Record<LambdaPreset, Readonly<ObjectiveLambdas>> = {
    paper: PAPER_LAMBDAS,
    calibrated: CALIBRATED_LAMBDAS,
  };
  if (spec in presets) return { ...presets[spec as LambdaPreset] };
  const values = spec.split(',').map(decimalNumber);
  if (values.length !== 4 || values.some((v) => !(v >= 0))) {
    throw new UserError(
      `--lambdas must be 'paper', 'calibrated' or four non-negative numbers tv,area,destroy,power; got '${spec}'`,
    );
  }
  const [tv, area, destroy, destroyPower] = values;
  return { tv, area, destroy, destroyPower };
}

/** Batch means of one step (plain numbers), and the step's speed. */
export interface MaskerStepStats {
  /** Steps done, this one included. */
  step: number;
  /** The minimised loss: objective plus γ·gate term. */
  loss: number;
  /** Batch means of the weighted objective terms (0 for fake images, except `area`). */
  tv: number;
  area: number;
  preserve: number;
  destroy: number;
  /** γ·BCE of the max gate. */
  gate: number;
  /** Mean of M over the images with their true class. */
  realArea: number;
  /** Mean of M over the images with a fake class; null when the batch had none. */
  fakeArea: number | null;
  /** Mean f_s(Φ(X, M)) over the images with their true class. */
  keptProbability: number;
  /** Mean max gate for true and fake classes (fake: null when none). */
  realMaxGate: number;
  fakeMaxGate: number | null;
  /** Steps per second of this step (data, forward, backward, update). */
  stepsPerSecond: number;
}

/** One point of the loss curve: {@link MaskerStepStats} averaged over the steps since the previous point. */
export type LossCurvePoint = Omit<MaskerStepStats, 'stepsPerSecond'>;

/** Checkpointing of {@link trainMasker}. */
export interface MaskerCheckpointOptions {
  /** Folder of this run's checkpoints. */
  dir: string;
  /**
   * A checkpoint after every step whose number (steps done since the start
   * of training, resumed runs included) is a multiple of this; default 100.
   * Checkpoints are also written every `everySeconds` and after the last step.
   */
  everySteps?: number;
  /** Seconds between checkpoints; default 120. */
  everySeconds?: number;
  /** Ignore (and overwrite) an existing checkpoint; default false. */
  fresh?: boolean;
}

/** Options of {@link trainMasker} besides the configuration. */
export interface TrainMaskerOptions {
  /**
   * Training images of the black box's size (any channels it takes); default
   * {@link clutteredTrainingData}(0) fitted to its `inputSize` and `channels`
   * (lib/masker/masker-training-data.ts).
   */
  data?: MaskerTrainingData;
  /** Checkpoints; default none. */
  checkpoint?: MaskerCheckpointOptions;
  /** Steps averaged into one point of the loss curve; default 10. */
  curveEvery?: number;
  /** Called after every step; awaited. */
  onStep?: (stats: MaskerStepStats) => void | Promise<void>;
  /** Called when the run resumes from a checkpoint, with the step it resumes at. */
  onResume?: (step: number) => void;
  /** Called after a checkpoint is written. */
  onCheckpoint?: (step: number) => void;
}

/** What {@link trainMasker} returns. */
export interface TrainMaskerResult {
  /** The trained masker (on the given encoder); the caller disposes it. */
  masker: Masker;
  config: TrainMaskerConfig;
  /** Loss curve, one point per `curveEvery` steps. */
  curve: LossCurvePoint[];
  /** Training wall time over all (resumed) runs, seconds. */
  trainSeconds: number;
  /** Steps per second of training wall time, over all (resumed) runs. */
  stepsPerSecond: number;
  /** The step this run resumed at (0 for a fresh run). */
  resumedFrom: number;
}

interface History {
  curve: LossCurvePoint[];
  /**
   * The steps since the last curve point, averaged into the next one: a
   * checkpoint can fall between curve points. Absent in checkpoints written
   * when they fell only on curve points (then there were none).
   */
  pending?: MaskerStepStats[];
}

/**
 * The key a checkpoint records: the black box's name and every configuration
 * field but `steps` (a finished constant-rate run can be extended by asking
 * for more steps; a cosine run's schedule depends on them, so they count).
 */
export function trainingConfigKey(blackBoxName: string, config: TrainMaskerConfig): string {
  const { steps, ...rest } = config;
  return JSON.stringify({
    blackBox: blackBoxName,
    ...rest,
    ...(config.learningRateSchedule === 'cosine' ? { steps } : {}),
  });
}

/** Per-step random draws: which images get a fake class, the classes, and A's seed. */
function drawStep(
  config: TrainMaskerConfig,
  step: number,
  labels: ArrayLike<number>,
  numClasses: number,
): { classes: number[]; isFake: boolean[]; alternativeSeed: number } {
  const rng = new Random(config.seed).fork(`step/${step}`);
  const isFake = Array.from(labels, () => rng.bernoulli(config.fakeClassProbability));
  const classes = Array.from(labels, (label, i) => {
    if (!isFake[i]) return label;
    const other = rng.int(0, numClasses - 1);
    return other >= label ? other + 1 : other;
  });
  return { classes, isFake, alternativeSeed: rng.int(0, 2 ** 31) };
}

/** Mean of `values` where `keep` is true; null when none is. */
function meanWhere(values: ArrayLike<number>, keep: readonly boolean[]): number | null {
  let sum = 0;
  let n = 0;
  keep.forEach((k, i) => {
    if (k) {
      sum += values[i];
      n++;
    }
  });
  return n > 0 ? sum / n : null;
}

/** Averages stats into one curve point (nullable fields over the steps that had them). */
function averagePoints(points: readonly MaskerStepStats[]): LossCurvePoint {
  const avg = (pick: (p: MaskerStepStats) => number | null): number | null => {
    const values = points.map(pick).filter((v): v is number => v !== null);
    return values.length ? values.reduce((s, v) => s + v, 0) / values.length : null;
  };
  return {
    step: points[points.length - 1].step,
    loss: avg((p) => p.loss) as number,
    tv: avg((p) => p.tv) as number,
    area: avg((p) => p.area) as number,
    preserve: avg((p) => p.preserve) as number,
    destroy: avg((p) => p.destroy) as number,
    gate: avg((p) => p.gate) as number,
    realArea: avg((p) => p.realArea) as number,
    fakeArea: avg((p) => p.fakeArea),
    keptProbability: avg((p) => p.keptProbability) as number,
    realMaxGate: avg((p) => p.realMaxGate) as number,
    fakeMaxGate: avg((p) => p.fakeMaxGate),
  };
}

/**
 * The λ's of optimisation step `step` (0-based): λ2 is scaled by
 * min(1, (step + 1) / areaWarmupSteps), the others are as configured.
 *
 * Why: a masker starts with masks near 0.5 everywhere. If the area term
 * dominates from the first step, masks can reach area ≈ 0 while the
 * preservation term −log f(Φ(X, M)) is still flat (an image replaced by A
 * everywhere gives the black box nothing to grow a mask from), and they stay
 * there. Measured with λ2 = 8 and no ramp: the plain and inception maskers'
 * masks fell to mean area 0.001 within 200 steps and never recovered.
 */
export function stepLambdas(
  config: Pick<TrainMaskerConfig, 'lambdas' | 'areaWarmupSteps'>,
  step: number,
): ObjectiveLambdas {
  const ramp = config.areaWarmupSteps > 0 ? Math.min(1, (step + 1) / config.areaWarmupSteps) : 1;
  return { ...config.lambdas, area: config.lambdas.area * ramp };
}

/** Numerical floor of the gate cross-entropy: log(max(g, ε)), log(max(1 − g, ε)). */
const GATE_EPSILON = 1e-6;

/**
 * One optimisation step on a batch.
 * @returns the step's statistics (without its speed).
 */
function trainStep(
  masker: Masker,
  blackBox: BlackBox,
  optimizer: tf.Optimizer,
  config: TrainMaskerConfig,
  step: number,
  images: tf.Tensor4D,
  classes: number[],
  isFake: boolean[],
  alternativeSeed: number,
): Omit<MaskerStepStats, 'step' | 'stepsPerSecond'> {
  const objective = {
    lambdas: stepLambdas(config, step),
    alternative: config.alternative,
    alternativeOptions: { seed: alternativeSeed },
  };
  let perImage: tf.Tensor2D | undefined;
  const { value, grads } = tf.variableGrads(() => {
    // 1. Masks and gates for the requested (true or fake) classes.
    const { lowResMask, gates } = masker.predict(images, classes);
    // 2. The objective on the low-resolution masks.
    const { loss, terms } = saliencyObjective(blackBox, images, lowResMask, classes, {
      config: objective,
      isFake,
    });
    // 3. Embedding speed-up: BCE of the largest gate against t = 1 (true) / 0 (fake).
    const target = tf.tensor1d(isFake.map((f) => (f ? 0 : 1)));
    const maxGate = tf.max(gates, [1, 2, 3]) as tf.Tensor1D;
    const bce = tf.neg(
      tf.add(
        tf.mul(target, tf.log(tf.maximum(maxGate, GATE_EPSILON))),
        tf.mul(tf.sub(1, target), tf.log(tf.maximum(tf.sub(1, maxGate), GATE_EPSILON))),
      ),
    );
    const gateTerm = tf.mul(bce, config.gateLossWeight) as tf.Tensor1D;
    perImage = tf.keep(
      tf.stack([
        terms.tv,
        terms.area,
        terms.preserve,
        terms.destroy,
        gateTerm,
        tf.mean(lowResMask, [1, 2, 3]),
        maxGate,
      ]) as tf.Tensor2D,
    );
    return tf.add(loss, tf.mean(gateTerm)) as tf.Scalar;
  }, masker.trainableVariables());
  optimizer.applyGradients(grads);
  const loss = value.dataSync()[0];
  const rows = (perImage as tf.Tensor2D).arraySync();
  tf.dispose([value, perImage as tf.Tensor2D, ...Object.values(grads)]);
  const [tv, area, preserve, destroy, gate, maskMean, maxGate] = rows;
  const real = isFake.map((f) => !f);
  return {
    loss,
    tv: mean(tv),
    area: mean(area),
    preserve: mean(preserve),
    destroy: mean(destroy),
    gate: mean(gate),
    realArea: meanWhere(maskMean, real) ?? 0,
    fakeArea: meanWhere(maskMean, isFake),
    keptProbability:
      meanWhere(
        preserve.map((p) => Math.exp(-p)),
        real,
      ) ?? 0,
    realMaxGate: meanWhere(maxGate, real) ?? 0,
    fakeMaxGate: meanWhere(maxGate, isFake),
  };
}

/**
 * Trains a masker to explain `blackBox`, resuming from `options.checkpoint.dir`
 * when it holds a checkpoint of the same configuration.
 * @param blackBox the classifier f explained (its classes are the masker's classes).
 * @param encoder the frozen encoder; its variables are never updated.
 * @param config overrides of {@link DEFAULT_TRAIN_MASKER_CONFIG}.
 * @returns the trained masker and its record; the caller disposes the masker.
 * @throws when the data's images do not fit the black box (naming the shapes) or a label is out of range.
 */
export async function trainMasker(
  blackBox: BlackBox,
  encoder: Encoder,
  config: Partial<TrainMaskerConfig> = {},
  options: TrainMaskerOptions = {},
): Promise<TrainMaskerResult> {
  await ensureEngine();
  const cfg: TrainMaskerConfig = { ...DEFAULT_TRAIN_MASKER_CONFIG, ...config };
  const ckpt = options.checkpoint;
  const everySteps = ckpt?.everySteps ?? 100;
  if (!Number.isInteger(everySteps) || everySteps < 1)
    throw new Error(`checkpoint.everySteps must be an integer >= 1, got ${everySteps}`);
  const numClasses = blackBox.classNames.length;
  const masker = Masker.create(encoder, { ...cfg.masker, numClasses, seed: cfg.seed });
  const optimizer = new ScheduledAdam(cfg.learningRate);
  const data = options.data ?? clutteredTrainingData(0, blackBox);
  const curveEvery = options.curveEvery ?? 10;
  const key = trainingConfigKey(blackBox.name, cfg);
  try {
    // 1. Resume, or start at step 0.
    const restored =
      ckpt && !ckpt.fresh
        ? await loadMaskerCheckpoint<History>(ckpt.dir, masker, optimizer, key)
        : undefined;
    let step = restored?.step ?? 0;
    let trainSeconds = restored?.trainSeconds ?? 0;
    const curve = restored?.history.curve ?? [];
    let pending = restored?.history.pending ?? [];
    if (restored) options.onResume?.(step);
    const save = async () => {
      if (!ckpt) return;
      await saveMaskerCheckpoint<History>(ckpt.dir, masker, optimizer, {
        step,
        trainSeconds,
        configKey: key,
        history: { curve, pending },
      });
      options.onCheckpoint?.(step);
    };

    // 2. The loop.
    let lastSave = performance.now();
    const resumedFrom = step;
    while (step < cfg.steps) {
      const t0 = performance.now();
      const positions = Array.from({ length: cfg.batchSize }, (_, k) => step * cfg.batchSize + k);
      const { images, labels } = await data(positions);
      const [b, h, w] = images.shape;
      if (
        images.rank !== 4 ||
        b !== cfg.batchSize ||
        labels.length !== b ||
        h !== blackBox.inputSize[0] ||
        w !== blackBox.inputSize[1]
      ) {
        images.dispose();
        throw new Error(
          `training data for positions ${positions[0]}..${positions[positions.length - 1]} gave images [${images.shape.join(', ')}] and ${labels.length} labels; ` +
            `black box '${blackBox.name}' needs [${cfg.batchSize}, ${blackBox.inputSize.join(', ')}, C] and ${cfg.batchSize} labels`,
        );
      }
      if (cfg.learningRateSchedule === 'cosine')
        optimizer.setLearningRate(cosineLearningRate(cfg.learningRate, step, cfg.steps));
      let stats: Omit<MaskerStepStats, 'step' | 'stepsPerSecond'>;
      try {
        const { classes, isFake, alternativeSeed } = drawStep(cfg, step, labels, numClasses);
        stats = trainStep(
          masker,
          blackBox,
          optimizer,
          cfg,
          step,
          images,
          classes,
          isFake,
          alternativeSeed,
        );
      } finally {
        images.dispose();
      }
      step++;
      const seconds = (performance.now() - t0) / 1000;
      trainSeconds += seconds;
      const full: MaskerStepStats = { ...stats, step, stepsPerSecond: 1 / seconds };
      pending.push(full);
      if (pending.length === curveEvery || step === cfg.steps) {
        curve.push(averagePoints(pending));
        pending = [];
      }
      await options.onStep?.(full);
      const due =
        step % everySteps === 0 ||
        performance.now() - lastSave > (ckpt?.everySeconds ?? 120) * 1000 ||
        step === cfg.steps;
      if (ckpt && due) {
        await save();
        lastSave = performance.now();
      }
    }
    return {
      masker,
      config: cfg,
      curve,
      trainSeconds,
      stepsPerSecond: trainSeconds > 0 ? step / trainSeconds : 0,
      resumedFrom,
    };
  } catch (err) {
    masker.dispose();
    throw err;
  } finally {
    optimizer.dispose();
  }
}
