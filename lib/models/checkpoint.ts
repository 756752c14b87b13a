/**
 * Training checkpoints: model weights, optimizer state and the loop's
 * position, saved so that an interrupted run resumes exactly where it stopped.
 *
 * Layout of a checkpoint folder:
 *
 *     latest.json          → { "name": "ckpt-000123" }   (rewritten atomically last)
 *     ckpt-000123/state.json    position, history, weight specs
 *     ckpt-000123/tensors.bin   model weights then optimizer weights (float32)
 *
 * A checkpoint becomes visible only when `latest.json` is renamed into place,
 * after its folder is complete, so a kill at any moment leaves the previous
 * checkpoint readable. Older folders are removed after the switch.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { readJson, writeJsonAtomic } from '../results';

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

const LATEST = 'latest.json';

/**
 * Saves a checkpoint of `model` and `optimizer` at `position` into `dir`.
 * @param model the LayersModel being trained (its weights, in `model.weights` order).
 */
export async function saveCheckpoint<History>(dir: string, model: tf.LayersModel, optimizer: tf.Optimizer, position: CheckpointPosition<History>): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const name = `ckpt-${String(position.globalStep).padStart(7, '0')}`;
  const folder = path.join(dir, name);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder);
  const modelWeights = model.weights.map((w, i) => ({ name: `model/${i}`, tensor: w.read() }));
  const optimizerWeights = await optimizer.getWeights();
  const optimizerNamed = optimizerWeights.map((w, i) => ({ name: `optimizer/${i}`, tensor: w.tensor }));
  const encoded = await tf.io.encodeWeights([...modelWeights, ...optimizerNamed]);
  fs.writeFileSync(path.join(folder, 'tensors.bin'), new Uint8Array(tf.io.CompositeArrayBuffer.join(encoded.data)));
  const state: StateFile<History> = {
    ...position,
    modelSpecs: encoded.specs.slice(0, modelWeights.length),
    optimizerSpecs: encoded.specs.slice(modelWeights.length),
    optimizerNames: optimizerWeights.map((w) => w.name),
  };
  fs.writeFileSync(path.join(folder, 'state.json'), JSON.stringify(state));
  writeJsonAtomic(path.join(dir, LATEST), { name });
  for (const entry of fs.readdirSync(dir)) {
    if (entry.startsWith('ckpt-') && entry !== name) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

/**
 * Restores the latest checkpoint in `dir` into `model` and `optimizer`.
 * @returns the saved position, or undefined when `dir` holds no checkpoint.
 * @throws when the checkpoint was made with another configuration (naming both keys)
 *   or does not fit the model.
 */
export async function loadCheckpoint<History>(dir: string, model: tf.LayersModel, optimizer: tf.Optimizer, configKey: string): Promise<CheckpointPosition<History> | undefined> {
  const latest = readJson<{ name: string }>(path.join(dir, LATEST));
  if (!latest) return undefined;
  const folder = path.join(dir, latest.name);
  const state = readJson<StateFile<History>>(path.join(folder, 'state.json'));
  if (!state) throw new Error(`checkpoint ${folder} has no state.json`);
  if (state.configKey !== configKey) {
    throw new Error(`checkpoint in ${dir} was made with another configuration (${state.configKey}; now ${configKey}): use --fresh to start over`);
  }
  if (state.modelSpecs.length !== model.weights.length) {
    throw new Error(`checkpoint in ${dir} holds ${state.modelSpecs.length} model weights, the model has ${model.weights.length}`);
  }
  const bytes = fs.readFileSync(path.join(folder, 'tensors.bin'));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(buffer, [...state.modelSpecs, ...state.optimizerSpecs]);
  model.setWeights(model.weights.map((_, i) => tensors[`model/${i}`]));
  await optimizer.setWeights(state.optimizerNames.map((name, i) => ({ name, tensor: tensors[`optimizer/${i}`] })));
  // Variables keep their own references to the data: the decoded tensors can go.
  tf.dispose(Object.values(tensors));
  const { epoch, step, globalStep, trainSeconds, history } = state;
  return { epoch, step, globalStep, trainSeconds, history, configKey };
}
