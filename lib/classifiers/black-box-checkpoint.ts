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
import { UserError } from '../core/user-error';

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

interface StateFile<History> extends CheckpointPosition<History> {
  modelSpecs: tf.io.WeightsManifestEntry[];
  optimizerSpecs: tf.io.WeightsManifestEntry[];
  /** The optimizer's own names for its weights, in order. */
  optimizerNames: string[];
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
  const optimizerWeights = await optimizer.getWeights();
  const optimizerNamed = optimizerWeights.map((w, i) => ({
    name: `optimizer/${i}`,
    tensor: w.tensor,
  }));
  const specs = await writeTensorsFile(path.join(folder, TENSORS), [
    ...modelWeights,
    ...optimizerNamed,
  ]);
  const state: StateFile<History> = {
    ...position,
    modelSpecs: specs.slice(0, modelWeights.length),
    optimizerSpecs: specs.slice(modelWeights.length),
    optimizerNames: optimizerWeights.map((w) => w.name),
  };
  // The optimizer's variables stay; what getWeights made for the occasion (the iteration count) goes.
  tf.dispose(optimizerWeights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
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
  if (state.configKey !== configKey) {
    throw new UserError(
      `checkpoint in ${dir} was made with another configuration (${state.configKey}; now ${configKey}): use --fresh to start over`,
    );
  }
  const stateFile = path.join(folder, STATE);
  if (state.optimizerNames.length !== state.optimizerSpecs.length) {
    throw new CorruptCheckpointError(
      `${stateFile} names ${state.optimizerNames.length} optimizer weights but has specs for ${state.optimizerSpecs.length}`,
      dir,
    );
  }
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
  await optimizer.setWeights(
    state.optimizerNames.map((name, i) => ({ name, tensor: tensors[`optimizer/${i}`] })),
  );
  // Variables keep their own references to the data: the decoded tensors can go.
  tf.dispose(Object.values(tensors));
  const { epoch, step, globalStep, trainSeconds, history } = state;
  return { epoch, step, globalStep, trainSeconds, history, configKey };
}
