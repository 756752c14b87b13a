/**
 * Checkpoints of masker training (Dabkowski & Gal 2017, §4.1, trained here on
 * the kit's engines, where a run can be interrupted): the masker's weights,
 * the optimiser's state and the loop's position, so that a resumed run
 * continues exactly where it stopped.
 *
 * Layout of a checkpoint folder:
 *
 *     latest.json                      → { "name": "ckpt-0000300" }   (renamed into place last)
 *     ckpt-0000300/masker.json         masker manifest (see Masker.save)
 *     ckpt-0000300/masker.weights.bin  masker weights
 *     ckpt-0000300/optimizer.bin       optimiser weights (float32), specs in state.json
 *     ckpt-0000300/state.json          step, wall time, history, configuration key
 *
 * Every random draw of step k is a pure function of the training seed and k
 * (see train-masker.ts), so the step number is the random stream's position:
 * no generator state needs saving. A checkpoint becomes visible only when
 * `latest.json` is renamed into place after its folder is complete; older
 * folders are then removed.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { Masker } from '../masker/masker';
import { readJson, writeJsonAtomic } from '../results';

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

interface StateFile<History> extends MaskerCheckpointState<History> {
  optimizerSpecs: tf.io.WeightsManifestEntry[];
  /** The optimiser's own names for its weights, in order. */
  optimizerNames: string[];
}

const LATEST = 'latest.json';
const OPTIMIZER = 'optimizer.bin';
const STATE = 'state.json';

/** Saves masker, optimiser and `state` as the newest checkpoint in `dir` (created if missing). */
export async function saveMaskerCheckpoint<History>(dir: string, masker: Masker, optimizer: tf.Optimizer, state: MaskerCheckpointState<History>): Promise<void> {
  const name = `ckpt-${String(state.step).padStart(7, '0')}`;
  const folder = path.join(dir, name);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  await masker.save(folder);
  const weights = await optimizer.getWeights();
  const encoded = await tf.io.encodeWeights(weights.map((w, i) => ({ name: `optimizer/${i}`, tensor: w.tensor })));
  fs.writeFileSync(path.join(folder, OPTIMIZER), new Uint8Array(tf.io.CompositeArrayBuffer.join(encoded.data)));
  const file: StateFile<History> = { ...state, optimizerSpecs: encoded.specs, optimizerNames: weights.map((w) => w.name) };
  fs.writeFileSync(path.join(folder, STATE), JSON.stringify(file));
  writeJsonAtomic(path.join(dir, LATEST), { name });
  for (const entry of fs.readdirSync(dir)) {
    if (entry.startsWith('ckpt-') && entry !== name) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

/**
 * Restores the newest checkpoint in `dir` into `masker` and `optimizer`.
 * @returns the saved state, or undefined when `dir` holds no checkpoint.
 * @throws when the checkpoint belongs to another configuration (naming both keys)
 *   or its weights do not fit the masker (see Masker.load).
 */
export async function loadMaskerCheckpoint<History>(dir: string, masker: Masker, optimizer: tf.Optimizer, configKey: string): Promise<MaskerCheckpointState<History> | undefined> {
  const latest = readJson<{ name: string }>(path.join(dir, LATEST));
  if (!latest) return undefined;
  const folder = path.join(dir, latest.name);
  const state = readJson<StateFile<History>>(path.join(folder, STATE));
  if (!state) throw new Error(`checkpoint ${folder} has no ${STATE}`);
  if (state.configKey !== configKey) {
    throw new Error(`checkpoint in ${dir} was made with another configuration (${state.configKey}; now ${configKey}): use --fresh to start over`);
  }
  await masker.load(folder);
  const bytes = fs.readFileSync(path.join(folder, OPTIMIZER));
  const tensors = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, state.optimizerSpecs);
  await optimizer.setWeights(state.optimizerNames.map((name, i) => ({ name, tensor: tensors[`optimizer/${i}`] })));
  // The optimiser copies the values into its own variables.
  tf.dispose(Object.values(tensors));
  const { step, trainSeconds, history } = state;
  return { step, trainSeconds, configKey, history };
}
