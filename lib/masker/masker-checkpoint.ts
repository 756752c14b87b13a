/**
 * Checkpoints of masker training (Dabkowski & Gal 2017, §4.1, trained here on
 * the kit's engines, where a run can be interrupted): the masker's weights,
 * the optimiser's state and the loop's position, so that a resumed run
 * continues exactly where it stopped (the same weights, bit for bit, as an
 * uninterrupted run).
 *
 * Layout of a checkpoint folder (see io/checkpoint-files.ts for how it is
 * written and validated):
 *
 *     latest.json                      → { "name": "ckpt-0000300" }   (renamed into place last)
 *     ckpt-0000300/masker.json         masker manifest (see Masker.save)
 *     ckpt-0000300/masker.weights.bin  masker weights
 *     ckpt-0000300/optimizer.bin       optimiser weights, specs in state.json
 *     ckpt-0000300/state.json          step, wall time, history, configuration key
 *
 * Every random draw of step k is a pure function of the training seed and k
 * (see train-masker.ts), so the step number is the random stream's position:
 * no generator state needs saving.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { Masker } from './masker';
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

/** Where masker training stands. */
export interface MaskerCheckpointState<History> {
  /** Steps already taken; the next step to run. */
  step: number;
  /** Training wall time so far, seconds (summed over resumed runs). */
  trainSeconds: number;
  /** Identifies the configuration; a checkpoint of another configuration is refused. */
  configKey: string;
  /** Free-form history (the loss curve so far). */
  history: History;
}

type StateFile<History> = MaskerCheckpointState<History> & OptimizerStateFields;

const STATE_FIELDS: Readonly<Record<keyof StateFile<unknown>, FieldKind>> = {
  step: 'count',
  trainSeconds: 'number',
  configKey: 'string',
  history: 'object',
  optimizerSpecs: 'specs',
  optimizerNames: 'strings',
};

const OPTIMIZER = 'optimizer.bin';

/** Saves masker, optimiser and `state` as the newest checkpoint in `dir` (created if missing). */
export async function saveMaskerCheckpoint<History>(
  dir: string,
  masker: Masker,
  optimizer: tf.Optimizer,
  state: MaskerCheckpointState<History>,
): Promise<void> {
  const folder = newCheckpointFolder(dir, state.step);
  await masker.save(folder);
  const optimizerState = await optimizerTensors(optimizer);
  const optimizerSpecs = await writeTensorsFile(path.join(folder, OPTIMIZER), optimizerState.named);
  const file: StateFile<History> = {
    ...state,
    optimizerSpecs,
    optimizerNames: optimizerState.names,
  };
  optimizerState.dispose();
  fs.writeFileSync(path.join(folder, STATE), JSON.stringify(file));
  publishCheckpoint(dir, folder);
}

/**
 * Restores the newest checkpoint in `dir` into `masker` and `optimizer`.
 * @returns the saved state, or undefined when `dir` holds no checkpoint.
 * @throws when the checkpoint belongs to another configuration (naming both keys);
 *   CorruptCheckpointError when a file is missing, malformed or truncated, or
 *   the saved weights do not fit the masker.
 */
export async function loadMaskerCheckpoint<History>(
  dir: string,
  masker: Masker,
  optimizer: tf.Optimizer,
  configKey: string,
): Promise<MaskerCheckpointState<History> | undefined> {
  const folder = latestCheckpointFolder(dir);
  if (!folder) return undefined;
  const state = readStateFile<StateFile<History>>(folder, dir, STATE_FIELDS);
  checkCheckpointState(state, configKey, path.join(folder, STATE), dir);
  // Masker.load checks its files before assigning and names the file in its errors.
  await masker.load(folder).catch((err: Error) => {
    throw new CorruptCheckpointError(err.message, dir);
  });
  const tensors = readTensorsFile(path.join(folder, OPTIMIZER), state.optimizerSpecs, dir);
  await restoreOptimizer(optimizer, state.optimizerNames, tensors);
  // The optimiser copies the values into its own variables.
  tf.dispose(Object.values(tensors));
  const { step, trainSeconds, history } = state;
  return { step, trainSeconds, configKey, history };
}
