/**
 * Loads any TF.js model — LayersModel or GraphModel — from a local folder,
 * a `model.json` path, a `file://` URL or an http(s) URL, and exposes it as a
 * {@link BlackBox} with a declared input size, channels, preprocessing and
 * output kind. This is the kit's door for classifiers trained elsewhere
 * (e.g. an ImageNet net converted with tensorflowjs_converter).
 *
 * The format is read from `model.json`'s `format` field (`layers-model` or
 * `graph-model`) unless forced. After loading, one zero image is run through
 * the model to check that the output is `[batch, classes]`.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { fileSystemHandler, resolveModelJsonPath } from './file-io-handler';
import { LayersBlackBox, ModelBlackBoxOptions } from './layers-black-box';

/** `layers`: tf.LayersModel; `graph`: tf.GraphModel; `auto`: from model.json's `format` field. */
export type ModelFormat = 'layers' | 'graph' | 'auto';

/** Options of {@link loadTfjsModel}. */
export interface LoadTfjsModelOptions extends ModelBlackBoxOptions {
  /** Input `[H, W]` the model takes (required). */
  inputSize: readonly [number, number];
  /** Input channels; default 3. */
  channels?: number;
  /** Model format; default `'auto'`. */
  format?: ModelFormat;
}

/** A loaded model and its black box; `dispose()` frees the model's weights. */
export interface LoadedTfjsModel {
  blackBox: LayersBlackBox;
  model: tf.LayersModel | tf.GraphModel;
  /** The format actually loaded. */
  format: 'layers' | 'graph';
  dispose(): void;
}

/** True for http:// and https:// locations. */
function isHttp(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** Decides the format from the artifacts when it is not forced. */
function detectFormat(artifacts: tf.io.ModelArtifacts, where: string): 'layers' | 'graph' {
  if (artifacts.format === 'layers-model') return 'layers';
  if (artifacts.format === 'graph-model') return 'graph';
  const topology = artifacts.modelTopology as { node?: unknown; class_name?: unknown; model_config?: unknown } | undefined;
  if (topology && typeof topology === 'object') {
    if ('node' in topology) return 'graph';
    if ('class_name' in topology || 'model_config' in topology) return 'layers';
  }
  throw new Error(`${where}: cannot tell whether this is a layers or a graph model (format field '${String(artifacts.format)}'); pass format: 'layers' or 'graph'`);
}

/**
 * Loads a TF.js model as a black box.
 * @param location folder holding `model.json`, a `model.json` path, `file://…`, or `http(s)://…/model.json`.
 * @returns the black box and model; the caller calls `dispose()`.
 * @throws naming the path when a file is missing; naming the path and the actual
 *   output shape when the output is not `[batch, classes]`; naming both numbers
 *   when `classNames` does not match the output size.
 */
export async function loadTfjsModel(location: string, options: LoadTfjsModelOptions): Promise<LoadedTfjsModel> {
  const where = isHttp(location) ? location : resolveModelJsonPath(location);
  const channels = options.channels ?? 3;
  const [h, w] = options.inputSize;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) throw new Error(`inputSize must be two positive integers, got [${h}, ${w}]`);

  // 1. Read the artifacts once (file or http), then build the model from memory.
  const handler = isHttp(location) ? tf.io.http(location) : fileSystemHandler(location);
  const artifacts = await handler.load!();
  const format = options.format === undefined || options.format === 'auto' ? detectFormat(artifacts, where) : options.format;
  if (format !== 'layers' && format !== 'graph') throw new Error(`format must be 'layers', 'graph' or 'auto', got '${String(format)}'`);
  const memory = tf.io.fromMemory(artifacts);
  const model = format === 'layers' ? await tf.loadLayersModel(memory) : await tf.loadGraphModel(memory);
  const forward = (x: tf.Tensor4D): tf.Tensor => (model instanceof tf.GraphModel ? (model.predict(x) as tf.Tensor) : (model.apply(x) as tf.Tensor));

  // 2. Probe: one zero image must give [1, classes].
  let numClasses: number;
  try {
    const shape = tf.tidy(() => forward(tf.zeros([1, h, w, channels]) as tf.Tensor4D).shape);
    if (shape.length !== 2 || shape[0] !== 1) {
      throw new Error(`${where}: the model's output must be [batch, classes], got [${shape.join(', ')}] for one input image`);
    }
    numClasses = shape[1];
  } catch (err) {
    model.dispose();
    throw err;
  }

  // 3. The black box.
  try {
    const blackBox = new LayersBlackBox(forward, [h, w], channels, numClasses, { ...options, name: options.name ?? (isHttp(location) ? location : path.basename(path.dirname(where))) });
    return { blackBox, model, format, dispose: () => model.dispose() };
  } catch (err) {
    model.dispose();
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}
