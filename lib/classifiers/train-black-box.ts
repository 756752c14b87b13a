/**
 * Trains one of the kit's black-box architectures on Cluttered Fashion-MNIST
 * (docs/design.md §3): Adam with a cosine learning-rate decay, softmax
 * cross-entropy on the logits, no dropout and no batch normalisation, so a run
 * is a pure function of its configuration.
 *
 * Data stream: epoch e draws the first `trainSize` Fashion-MNIST train items in
 * an order shuffled by `Random(seed).fork('shuffle/e')`, and renders each as
 * cluttered image `e·60000 + item`: the same garments with a fresh placement,
 * scale, tint and clutter every epoch (augmentation at no extra cost). The
 * position in that stream is just (epoch, step), which checkpoints record; a
 * resumed run therefore repeats an uninterrupted one step for step.
 *
 * Background erasing (lib/classifiers/background-erasing.ts, on by default): half
 * the images of each step get random smooth background regions replaced by
 * blur or colour + noise, drawn from `Random(seed).fork('erase/<step>')`.
 */
import * as tf from '@tensorflow/tfjs';
import { ClutteredFashionMnist } from '../data/cluttered';
import { DEFAULT_BACKGROUND_ERASING, eraseBackground } from './background-erasing';
import { cropToBoxes, randomCropResize } from './crop-resize';
import { loadFashionMnist } from '../data/fashion-mnist';
import { Random } from '../core/random';
import { ArchitectureName, logitsModel } from './architecture';
import { buildArchitecture } from './architectures';
import { CheckpointPosition, loadCheckpoint, saveCheckpoint } from './black-box-checkpoint';
import { accuracy, plainFashionMnistImages } from './evaluation-sets';
import { ModelCost, modelCost } from './model-cost';
import { cosineLearningRate, ScheduledAdam } from './scheduled-adam';

/** Training configuration. */
export interface TrainBlackBoxConfig {
  arch: ArchitectureName;
  /** Passes over the training items; default 2. */
  epochs: number;
  /** Images per step; default 64. */
  batchSize: number;
  /** Peak Adam learning rate (cosine-decayed to 0); default 2e-3. */
  learningRate: number;
  /** Seed of weight initialisation and shuffling; default 0. */
  seed: number;
  /** Seed of the Cluttered Fashion-MNIST renders; default 0 (the kit's data set). */
  dataSeed: number;
  /** Training items (the first of the train split); default 55,000. */
  trainSize: number;
  /** Held-out items at the end of the train split; default 5,000. */
  validationSize: number;
  /** Validation images scored after each epoch (the first of the held-out items); default 2,000. */
  validationEval: number;
  /** Share of training images whose background is partly erased ({@link eraseBackground}); default 0.5, 0 turns it off. */
  backgroundErasing: number;
  /** Share of training images cropped around their item and resized ({@link randomCropResize}); default 0.3, 0 turns it off. */
  cropResize: number;
}

/** Defaults of {@link TrainBlackBoxConfig} (all but `arch`). */
export const DEFAULT_TRAIN_BLACK_BOX_CONFIG: Readonly<Omit<TrainBlackBoxConfig, 'arch'>> =
  Object.freeze({
    epochs: 2,
    batchSize: 64,
    learningRate: 2e-3,
    seed: 0,
    dataSeed: 0,
    trainSize: 55000,
    validationSize: 5000,
    validationEval: 2000,
    backgroundErasing: DEFAULT_BACKGROUND_ERASING.probability,
    cropResize: 0.3,
  });

/** What differs between the training runs of the committed weights. */
export interface CommittedBlackBoxRecipe {
  epochs: number;
  cropResize: number;
}

/**
 * Recipes of the committed weights in `results/black-boxes/` (the
 * command-line defaults). Epochs: as many as two shared cores allowed in one
 * working session.
 */
export const COMMITTED_BLACK_BOXES: Readonly<Record<ArchitectureName, CommittedBlackBoxRecipe>> =
  Object.freeze({
    plain: { epochs: 10, cropResize: 0.3 },
    inception: { epochs: 10, cropResize: 0.3 },
    residual: { epochs: 16, cropResize: 0.3 },
  });

/** Items in the Fashion-MNIST train split. */
const TRAIN_SPLIT_ITEMS = 60000;
/** Batch size of evaluation passes. */
const EVAL_BATCH = 250;

/** One finished epoch. */
export interface EpochRecord {
  epoch: number;
  meanLoss: number;
  trainAccuracy: number;
  validationAccuracy: number;
}

/** Running sums of the current epoch (kept in checkpoints so a resumed epoch reports the whole epoch). */
interface RunningSums {
  loss: number;
  correct: number;
  images: number;
}

interface History {
  epochs: EpochRecord[];
  running: RunningSums;
}

/** Progress events for a caller's display. */
export interface TrainProgress {
  onEpochStart?(epoch: number, totalSteps: number, startStep: number): void;
  /** After each step: mean loss and accuracy of the epoch so far, images/s of this run. */
  onStep?(info: {
    epoch: number;
    step: number;
    loss: number;
    accuracy: number;
    imagesPerSecond: number;
  }): void;
  onEpochEnd?(record: EpochRecord): void;
  onCheckpoint?(position: { epoch: number; step: number }): void;
  onResume?(position: { epoch: number; step: number; globalStep: number }): void;
}

/**
 * Where checkpoints go and when. A checkpoint is always written at the end
 * of every epoch (after its validation), and within an epoch as these say.
 */
export interface CheckpointOptions {
  /** Folder of this run's checkpoints. */
  dir: string;
  /**
   * A checkpoint after every step whose global number (steps done since the
   * start of training, resumed runs included) is a multiple of this; default
   * none. One that falls on an epoch's last step is the end-of-epoch checkpoint.
   */
  everySteps?: number;
  /** Seconds between checkpoints within an epoch; default 120. */
  everySeconds?: number;
  /** Ignore (and overwrite) an existing checkpoint; default false. */
  fresh?: boolean;
}

/** What {@link fitBlackBox} returns. */
export interface FitBlackBoxResult {
  /** The trained net (outputs probabilities); the caller disposes it. */
  model: tf.LayersModel;
  config: TrainBlackBoxConfig;
  epochs: EpochRecord[];
  /** Training wall time in seconds, summed over resumed runs, evaluation excluded. */
  trainSeconds: number;
  /** Whether this run resumed from a checkpoint, and where. */
  resumedFrom: { epoch: number; step: number } | null;
}

/** What {@link trainBlackBox} returns. */
export interface TrainBlackBoxResult extends FitBlackBoxResult {
  cost: ModelCost;
  /** Accuracy on the rendered Fashion-MNIST test split (10,000 images). */
  testAccuracy: number;
  /** Accuracy on the same test images cropped to their item's box and resized (the saliency metric's crop of the ground-truth box). */
  boxCropTestAccuracy: number;
  /** Accuracy on plain Fashion-MNIST test items (see evaluation-sets.ts). */
  plainTestAccuracy: number;
  /** Training images per second (all epochs' images / trainSeconds). */
  imagesPerSecond: number;
}

/** The configuration fields that must match for a checkpoint to be resumed. */
function configKey(c: TrainBlackBoxConfig): string {
  return JSON.stringify([
    c.arch,
    c.epochs,
    c.batchSize,
    c.learningRate,
    c.seed,
    c.dataSeed,
    c.trainSize,
    c.validationSize,
    c.backgroundErasing,
    c.cropResize,
  ]);
}

/**
 * Trains a black box and scores it on the test sets ({@link fitBlackBox},
 * then the final evaluation).
 * @returns the trained net, its record and accuracies; the caller disposes `model`.
 * @throws as {@link fitBlackBox}.
 */
export async function trainBlackBox(
  overrides: Pick<TrainBlackBoxConfig, 'arch'> & Partial<TrainBlackBoxConfig>,
  checkpoint: CheckpointOptions,
  progress: TrainProgress = {},
): Promise<TrainBlackBoxResult> {
  const fit = await fitBlackBox(overrides, checkpoint, progress);
  const logits = logitsModel(fit.model);
  const test = new ClutteredFashionMnist({ split: 'test', seed: fit.config.dataSeed });
  const predict = (x: tf.Tensor4D) => logits.predict(x) as tf.Tensor2D;
  const testAccuracy = accuracy(test.length, EVAL_BATCH, (s, e) => test.batch(s, e), predict);
  const boxCropTestAccuracy = accuracy(
    test.length,
    EVAL_BATCH,
    (s, e) => {
      const batch = test.batch(s, e);
      const images = cropToBoxes(batch.images, batch.boxes);
      batch.images.dispose();
      return { images, labels: batch.labels };
    },
    predict,
  );
  const plain = loadFashionMnist('test');
  const plainTestAccuracy = accuracy(
    plain.count,
    EVAL_BATCH,
    (s, e) => {
      const idx = range(s, e);
      return {
        images: plainFashionMnistImages(plain, idx),
        labels: idx.map((i) => plain.labels[i]),
      };
    },
    predict,
  );
  const { epochs, batchSize } = fit.config;
  const images = Math.floor(fit.config.trainSize / batchSize) * batchSize * epochs;
  return {
    ...fit,
    cost: modelCost(fit.model),
    testAccuracy,
    boxCropTestAccuracy,
    plainTestAccuracy,
    imagesPerSecond: images / fit.trainSeconds,
  };
}

/**
 * Trains a black box (no final evaluation), resuming from `checkpoint.dir`
 * when it holds a checkpoint of the same configuration.
 * @returns the trained net and its record; the caller disposes `model`.
 * @throws when the configuration is inconsistent (e.g. train + validation
 *   items exceed 60,000, or `checkpoint.everySteps` is not a positive integer).
 */
export async function fitBlackBox(
  overrides: Pick<TrainBlackBoxConfig, 'arch'> & Partial<TrainBlackBoxConfig>,
  checkpoint: CheckpointOptions,
  progress: TrainProgress = {},
): Promise<FitBlackBoxResult> {
  const config: TrainBlackBoxConfig = { ...DEFAULT_TRAIN_BLACK_BOX_CONFIG, ...overrides };
  const { epochs, batchSize, trainSize, validationSize } = config;
  if (trainSize + validationSize > TRAIN_SPLIT_ITEMS) {
    throw new Error(
      `trainSize (${trainSize}) + validationSize (${validationSize}) exceed the ${TRAIN_SPLIT_ITEMS} Fashion-MNIST train items`,
    );
  }
  const stepsPerEpoch = Math.floor(trainSize / batchSize);
  if (stepsPerEpoch < 1)
    throw new Error(`trainSize (${trainSize}) must hold at least one batch of ${batchSize}`);
  const totalSteps = stepsPerEpoch * epochs;
  const everySeconds = checkpoint.everySeconds ?? 120;
  const { everySteps } = checkpoint;
  if (everySteps !== undefined && !(Number.isInteger(everySteps) && everySteps >= 1)) {
    throw new Error(`checkpoint.everySteps must be an integer >= 1, got ${everySteps}`);
  }

  // 1. Model, optimizer, data.
  const model = buildArchitecture(config.arch, { seed: config.seed });
  const logits = logitsModel(model);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = new ScheduledAdam(config.learningRate);
  const train = new ClutteredFashionMnist({
    split: 'train',
    seed: config.dataSeed,
    length: TRAIN_SPLIT_ITEMS * epochs,
  });

  // 2. Resume.
  const key = configKey(config);
  let position: CheckpointPosition<History> = {
    epoch: 0,
    step: 0,
    globalStep: 0,
    trainSeconds: 0,
    history: { epochs: [], running: { loss: 0, correct: 0, images: 0 } },
    configKey: key,
  };
  const restored = checkpoint.fresh
    ? undefined
    : await loadCheckpoint<History>(checkpoint.dir, model, optimizer, key);
  const resumedFrom = restored ? { epoch: restored.epoch, step: restored.step } : null;
  if (restored) {
    position = restored;
    progress.onResume?.({
      epoch: restored.epoch,
      step: restored.step,
      globalStep: restored.globalStep,
    });
  }

  // 3. Training loop.
  const save = async () => {
    await saveCheckpoint(checkpoint.dir, model, optimizer, position);
    progress.onCheckpoint?.({ epoch: position.epoch, step: position.step });
  };
  const shuffler = new Random(config.seed);
  let runImages = 0;
  let runSeconds = 0;
  while (position.epoch < epochs) {
    const epoch = position.epoch;
    const order = shuffler.fork(`shuffle/${epoch}`).permutation(trainSize);
    progress.onEpochStart?.(epoch, stepsPerEpoch, position.step);
    let lastSave = performance.now();
    while (position.step < stepsPerEpoch) {
      const t0 = performance.now();
      const indices = Array.from(
        order.subarray(position.step * batchSize, (position.step + 1) * batchSize),
        (item) => epoch * TRAIN_SPLIT_ITEMS + item,
      );
      const batch = train.batch(indices);
      const erased = eraseBackground(
        batch.images,
        batch.boxes,
        shuffler.fork(`erase/${position.globalStep}`),
        { probability: config.backgroundErasing },
      );
      batch.images.dispose();
      const cropped = randomCropResize(
        erased,
        batch.boxes,
        shuffler.fork(`crop/${position.globalStep}`),
        config.cropResize,
      );
      erased.dispose();
      optimizer.setLearningRate(
        cosineLearningRate(config.learningRate, position.globalStep, totalSteps),
      );
      const { lossValue, correct } = tf.tidy(() => {
        const targets = tf.oneHot(
          tf.tensor1d(batch.labels, 'int32'),
          model.outputs[0].shape[1] as number,
        );
        let hits: tf.Tensor | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const out = logits.apply(cropped, { training: true }) as tf.Tensor2D;
          hits = tf.keep(
            tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), tf.argMax(targets, 1)), 'float32')),
          );
          return tf.losses.softmaxCrossEntropy(targets, out) as tf.Scalar;
        }, variables);
        optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
        return { lossValue: value.dataSync()[0], correct: hits!.dataSync()[0] };
      });
      cropped.dispose();
      const seconds = (performance.now() - t0) / 1000;
      position.step++;
      position.globalStep++;
      position.trainSeconds += seconds;
      runSeconds += seconds;
      runImages += batchSize;
      const running = position.history.running;
      running.loss += lossValue * batchSize;
      running.correct += correct;
      running.images += batchSize;
      progress.onStep?.({
        epoch,
        step: position.step,
        loss: running.loss / running.images,
        accuracy: running.correct / running.images,
        imagesPerSecond: runImages / runSeconds,
      });
      // Let timers (progress output) run between the synchronous steps.
      await new Promise((resolve) => setImmediate(resolve));
      if (!Number.isFinite(lossValue))
        throw new Error(`loss became ${lossValue} at epoch ${epoch} step ${position.step}`);
      const due =
        (everySteps !== undefined && position.globalStep % everySteps === 0) ||
        performance.now() - lastSave > everySeconds * 1000;
      if (position.step < stepsPerEpoch && due) {
        await save();
        lastSave = performance.now();
      }
    }
    // End of epoch: validation, record, checkpoint at the next epoch's start.
    const validationAccuracy = accuracy(
      config.validationEval,
      EVAL_BATCH,
      (s, e) => train.batch(range(trainSize + s, trainSize + e)),
      (x) => logits.predict(x) as tf.Tensor2D,
    );
    const running = position.history.running;
    const record: EpochRecord = {
      epoch,
      meanLoss: running.loss / running.images,
      trainAccuracy: running.correct / running.images,
      validationAccuracy,
    };
    position.history.epochs.push(record);
    position.history.running = { loss: 0, correct: 0, images: 0 };
    position.epoch++;
    position.step = 0;
    progress.onEpochEnd?.(record);
    await save();
  }

  optimizer.dispose();
  return {
    model,
    config,
    epochs: position.history.epochs,
    trainSeconds: position.trainSeconds,
    resumedFrom,
  };
}

/** The integers `start .. end-1`. */
function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, k) => start + k);
}
