/**
 * A `tf.io.IOHandler` over the local file system, for Node without
 * `@tensorflow/tfjs-node` (whose `file://` handler is the usual route).
 * Loads `model.json` plus the weight files its manifest names (paths relative
 * to the folder of `model.json`); saves `model.json` + one `weights.bin`,
 * each written to a temporary sibling and renamed, so a crash never leaves a
 * half-written model.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/user-error';
import { writeFileAtomic } from './atomic-file';

/** File name of the topology + manifest file. */
export const MODEL_JSON = 'model.json';
/** File name of the weights file this handler writes. */
export const WEIGHTS_BIN = 'weights.bin';

/** `file:///a/b` or `/a/b` → `/a/b`; a folder → its `model.json`. */
export function resolveModelJsonPath(location: string): string {
  const plain = location.startsWith('file://') ? location.slice('file://'.length) : location;
  const resolved = path.resolve(plain);
  return resolved.endsWith('.json') ? resolved : path.join(resolved, MODEL_JSON);
}

function readFileNamed(file: string, what: string): Buffer {
  if (!fs.existsSync(file)) throw new UserError(`${what} not found: ${file}`);
  return fs.readFileSync(file);
}

/** Parses `model.json`; throws naming the file when it is missing or not a model. */
export function readModelJson(modelJsonPath: string): tf.io.ModelJSON {
  const text = readFileNamed(modelJsonPath, 'model file').toString('utf8');
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text) as tf.io.ModelJSON;
  } catch (err) {
    throw new UserError(`${modelJsonPath} is not valid JSON: ${(err as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || json.modelTopology === undefined) {
    throw new UserError(`${modelJsonPath} has no modelTopology: not a TF.js model.json`);
  }
  return json;
}

/**
 * An IOHandler reading and writing a TF.js model in a folder.
 * @param location a folder, a `model.json` path, or either as a `file://` URL.
 *   Saving creates the folder when needed.
 * @example
 * ```ts
 * await model.save(fileSystemHandler('results/black-boxes/residual'));
 * const back = await tf.loadLayersModel(fileSystemHandler('results/black-boxes/residual'));
 * ```
 */
export function fileSystemHandler(location: string): tf.io.IOHandler {
  const modelJsonPath = resolveModelJsonPath(location);
  const dir = path.dirname(modelJsonPath);
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = readModelJson(modelJsonPath);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const bytes = readFileNamed(path.join(dir, p), `weight file named in ${modelJsonPath}`);
            buffers.push(
              bytes.buffer.slice(
                bytes.byteOffset,
                bytes.byteOffset + bytes.byteLength,
              ) as ArrayBuffer,
            );
          }
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const topology = artifacts.modelTopology;
      if (topology === undefined || topology instanceof ArrayBuffer)
        throw new Error('fileSystemHandler saves models with a JSON topology only');
      fs.mkdirSync(dir, { recursive: true });
      const weightData =
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const json: tf.io.ModelJSON = {
        modelTopology: topology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      // Weights first: model.json only ever names a complete weights file.
      writeFileAtomic(path.join(dir, WEIGHTS_BIN), new Uint8Array(weightData));
      writeFileAtomic(modelJsonPath, JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}
