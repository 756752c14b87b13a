/**
 * Short training of one of the kit's architectures on any stream of labelled
 * batches: the black boxes of the evaluation's side experiments (a black box
 * with a planted bias, one trained on shuffled labels for the sanity checks),
 * which need images or labels the committed recipe
 * (lib/classifiers/train-black-box.ts) does not draw. Same optimiser (Adam
 * with a cosine decay, {@link ScheduledAdam}) and loss (softmax
 * cross-entropy on the logits); no augmentation, no checkpoints: these runs
 * take minutes.
 */
import * as tf from '@tensorflow/tfjs';
import { assertNumber } from '../core/checks';
import { ArchitectureName, logitsModel } from './architecture';
import { buildArchitecture } from './architectures';
import { cosineLearningRate, ScheduledAdam } from './scheduled-adam';

/** One labelled batch; the trainer disposes `images`. */
export interface LabelledBatch {
  images: tf.Tensor4D;
  labels: ArrayLike<number>;
}

/** Options of {@link fitOnBatches}. */
export interface FitOnBatchesConfig {
  arch: ArchitectureName;
  /** Optimisation steps. */
  steps: number;
  /** Peak learning rate, cosine-decayed to 0; default 2e-3 (the committed recipe's). */
  learningRate: number;
  /** Seed of the weight initialisation; default 0. */
  seed: number;
  /** Output classes; default 10. */
  numClasses: number;
}

/** The defaults of {@link FitOnBatchesConfig} besides `arch` and `steps`. */
export const DEFAULT_FIT_ON_BATCHES: Readonly<Omit<FitOnBatchesConfig, 'arch' | 'steps'>> =
  Object.freeze({ learningRate: 2e-3, seed: 0, numClasses: 10 });

/** What {@link fitOnBatches} reports after each step. */
export interface FitStep {
  step: number;
  loss: number;
  /** Accuracy on this step's batch. */
  accuracy: number;
}

/**
 * Trains a fresh net for `steps` steps on `batchAt(0)`, `batchAt(1)`, ….
 * @returns the trained net (probabilities out) and the per-step record; the caller disposes `model`.
 * @throws when `steps` is not a positive integer or the loss stops being finite.
 */
export async function fitOnBatches(
  config: Pick<FitOnBatchesConfig, 'arch' | 'steps'> & Partial<FitOnBatchesConfig>,
  batchAt: (step: number) => LabelledBatch,
  onStep: (s: FitStep) => void = () => undefined,
): Promise<{ model: tf.LayersModel; record: FitStep[]; seconds: number }> {
  const cfg: FitOnBatchesConfig = { ...DEFAULT_FIT_ON_BATCHES, ...config };
  assertNumber(
    cfg.steps,
    (v) => Number.isInteger(v) && v >= 1,
    'fitOnBatches: steps',
    'an integer >= 1',
  );
  const model = buildArchitecture(cfg.arch, { seed: cfg.seed, numClasses: cfg.numClasses });
  const logits = logitsModel(model);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = new ScheduledAdam(cfg.learningRate);
  const record: FitStep[] = [];
  const start = performance.now();
  try {
    for (let step = 0; step < cfg.steps; step++) {
      const { images, labels } = batchAt(step);
      optimizer.setLearningRate(cosineLearningRate(cfg.learningRate, step, cfg.steps));
      const { loss, correct } = tf.tidy(() => {
        const targets = tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), cfg.numClasses);
        let hits: tf.Tensor | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const out = logits.apply(images, { training: true }) as tf.Tensor2D;
          hits = tf.keep(
            tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), tf.argMax(targets, 1)), 'int32')),
          );
          return tf.losses.softmaxCrossEntropy(targets, out) as tf.Scalar;
        }, variables);
        optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
        const counted = hits!.dataSync()[0];
        hits!.dispose();
        return { loss: value.dataSync()[0], correct: counted };
      });
      images.dispose();
      if (!Number.isFinite(loss))
        throw new Error(`fitOnBatches: loss became ${loss} at step ${step}`);
      const s = { step: step + 1, loss, accuracy: correct / labels.length };
      record.push(s);
      onStep(s);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    optimizer.dispose();
  }
  return { model, record, seconds: (performance.now() - start) / 1000 };
}
