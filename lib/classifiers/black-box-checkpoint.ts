/**
 * Training checkpoints of black boxes: model weights, optimizer state and the
 * loop's position, saved so that an interrupted run resumes exactly where it
 * stopped (the same weights, bit for bit, as an uninterrupted run).
 *
 * Layout of a checkpoint folder (see checkpoint-files.ts for how it is
 * written and validated):
 *
 *     latest.json          → { "name": "ckpt-0000123" }   (rewritten atomically last)
 *     ckpt-0000123/state.json    position, history, weight specs
 *     ckpt-0000123/tensors.bin   model weights then optimizer weights
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {
  CorruptCheckpointError,
  FieldKind,
  latestCheckpointFolder,
  newCheckpointFolder,
  publishCheckpoint,
  readStateFile,
  readTensorsFile,
  STATE,
  writeTensorsFile,
} from '../io/checkpoint-files';
import {
  checkCheckpointState,
  optimizerTensors,
  OptimizerStateFields,
  restoreOptimizer,
} from '../io/optimizer-checkpoint';

/** Where the training loop stands, and what it has recorded so far. */
export interface CheckpointPosition<History> {
  /** Epoch being trained (0-based). */
  epoch: number;
  /** Steps of that epoch already taken (the shuffle of an epoch is a pure function of seed and epoch, so this is the data stream's position). */
  step: number;
  /** Steps taken since the start of training (drives the learning-rate schedule). */
  globalStep: number;
  /** Training wall time so far, seconds (summed over resumed runs). */
  trainSeconds: number;
  /** Free-form history (per-epoch records, running sums). */
  history: History;
  /** Identifies the configuration; a checkpoint of another configuration is refused. */
  configKey: string;
}

interface StateFile<History> extends CheckpointPosition<History>, OptimizerStateFields {
  modelSpecs: tf.io.WeightsManifestEntry[];
}

const STATE_FIELDS: Readonly<Record<keyof StateFile<unknown>, FieldKind>> = {
  epoch: 'count',
  step: 'count',
  globalStep: 'count',
  trainSeconds: 'number',
  history: 'object',
  configKey: 'string',
  modelSpecs: 'specs',
  optimizerSpecs: 'specs',
  optimizerNames: 'strings',
};

const TENSORS = 'tensors.bin';

/**
 * Saves a checkpoint of `model` and `optimizer` at `position` into `dir`.
 * @param model the LayersModel being trained (its weights, in `model.weights` order).
 */
export async function saveCheckpoint<History>(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  position: CheckpointPosition<History>,
): Promise<void> {
  const folder = newCheckpointFolder(dir, position.globalStep);
  const modelWeights = model.weights.map((w, i) => ({ name: `model/${i}`, tensor: w.read() }));
  const optimizerState = await optimizerTensors(optimizer);
  const specs = await writeTensorsFile(path.join(folder, TENSORS), [
    ...modelWeights,
    ...optimizerState.named,
  ]);
  const state: StateFile<History> = {
    ...position,
    modelSpecs: specs.slice(0, modelWeights.length),
    optimizerSpecs: specs.slice(modelWeights.length),
    optimizerNames: optimizerState.names,
  };
  optimizerState.dispose();
  fs.writeFileSync(path.join(folder, STATE), JSON.stringify(state));
  publishCheckpoint(dir, folder);
}

/**
 * Restores the latest checkpoint in `dir` into `model` and `optimizer`.
 * @returns the saved position, or undefined when `dir` holds no checkpoint.
 * @throws when the checkpoint was made with another configuration (naming both keys);
 *   CorruptCheckpointError when a file is missing, malformed, truncated or does not fit the model.
 */
export async function loadCheckpoint<History>(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  configKey: string,
): Promise<CheckpointPosition<History> | undefined> {
  const folder = latestCheckpointFolder(dir);
  if (!folder) return undefined;
  const state = readStateFile<StateFile<History>>(folder, dir, STATE_FIELDS);
  const stateFile = path.join(folder, STATE);
  checkCheckpointState(state, configKey, stateFile, dir);
  const shapes = (specs: { shape: readonly (number | null)[] }[]) =>
    specs.map((s) => `[${s.shape.join(', ')}]`).join(' ');
  if (shapes(state.modelSpecs) !== shapes(model.weights)) {
    throw new CorruptCheckpointError(
      `${stateFile} describes model weights ${shapes(state.modelSpecs)}, the model has ${shapes(model.weights)}`,
      dir,
    );
  }
  const tensors = readTensorsFile(
    path.join(folder, TENSORS),
    [...state.modelSpecs, ...state.optimizerSpecs],
    dir,
  );
  model.setWeights(model.weights.map((_, i) => tensors[`model/${i}`]));
  await restoreOptimizer(optimizer, state.optimizerNames, tensors);
  // Variables keep their own references to the data: the decoded tensors can go.
  tf.dispose(Object.values(tensors));
  const { epoch, step, globalStep, trainSeconds, history } = state;
  return { epoch, step, globalStep, trainSeconds, history, configKey };
}
