/**
 * Loads any TF.js model — LayersModel or GraphModel — from a local folder,
 * a `model.json` path, a `file://` URL, an http(s) URL, or a model card
 * (lib/classifiers/model-card.ts) that names one, and exposes it as a
 * {@link ModelBlackBox}. This is the kit's door for classifiers trained
 * elsewhere (e.g. an ImageNet net converted with tensorflowjs_converter).
 *
 * The model describes itself ({@link describeTfjsModel}): input size and
 * channels from its signature, probabilities or logits from a probe batch,
 * class names from a labels file or its metadata. The format is read from
 * `model.json`'s `format` field unless forced. Starts the engine first
 * ({@link ensureEngine}).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ensureEngine } from '../engine/backend';
import { UserError } from '../core/user-error';
import { fileSystemHandler, resolveModelJsonPath } from '../io/file-io-handler';
import { readModelCard } from './model-card';
import type { ModelBlackBox } from './model-black-box';
import { ModelFormat, modelFromArtifacts } from './model-from-artifacts';
import type { ImageInput, TensorSignature } from './model-signature';
import { describeTfjsModel, TfjsModelOptions } from './tfjs-model-black-box';

export type { ModelFormat };

/** Options of {@link loadTfjsModel}: the declarations of {@link TfjsModelOptions} and the format. */
export interface LoadTfjsModelOptions extends TfjsModelOptions {
  /** Model format; default `'auto'`. */
  format?: ModelFormat;
}

/** A loaded model and its black box; `dispose()` frees the model's weights. */
export interface LoadedTfjsModel {
  blackBox: ModelBlackBox;
  model: tf.LayersModel | tf.GraphModel;
  /** The format actually loaded. */
  format: 'layers' | 'graph';
  /** The image input fed: name, `[H, W]`, channels. */
  input: ImageInput;
  /** The output explained: name and shape `[?, K]`. */
  output: TensorSignature;
  /** The model.json (or URL) loaded; a card's `model`, resolved. */
  location: string;
  dispose(): void;
}

/** True for http:// and https:// locations. */
function isHttp(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** The model card at `location`, if it names one (a local .json file that is not a model.json). */
function cardAt(location: string): ReturnType<typeof readModelCard> {
  if (isHttp(location)) return undefined;
  const file = resolveModelJsonPath(location);
  return fs.existsSync(file) && fs.statSync(file).isFile() ? readModelCard(file) : undefined;
}

/** A TF.js model read from its files, before the kit describes it. */
export interface ReadTfjsModel {
  model: tf.LayersModel | tf.GraphModel;
  format: 'layers' | 'graph';
  /** The model.json path, or the URL. */
  where: string;
}

/**
 * Reads a TF.js model — LayersModel or GraphModel — from a folder, a
 * model.json path, `file://…` or `http(s)://…` (not a model card), as it is:
 * for a model that is not a classifier, such as a masker's feature model.
 * @param format default `'auto'`: from model.json's `format` field or topology.
 * @returns the model; the caller disposes it.
 * @throws a {@link UserError} naming the path when a file is missing or the format cannot be told.
 */
export async function readTfjsModel(
  location: string,
  format: ModelFormat = 'auto',
): Promise<ReadTfjsModel> {
  await ensureEngine();
  const where = isHttp(location) ? location : resolveModelJsonPath(location);
  // Read the artifacts once (file or http), then build the model from memory.
  const handler = isHttp(location) ? tf.io.http(location) : fileSystemHandler(location);
  const artifacts = await handler.load!();
  return { ...(await modelFromArtifacts(artifacts, where, format)), where };
}

/**
 * Loads a TF.js model as a black box.
 * @param location folder holding `model.json`, a `model.json` path, `file://…`,
 *   `http(s)://…/model.json`, or a model card's path.
 * @param options declarations; each overrides the card's, and fills in or
 *   must agree with what the model says ({@link describeTfjsModel}).
 * @returns the black box and model; the caller calls `dispose()`.
 * @throws a {@link UserError} naming the path: a missing file, a malformed
 *   card, and every problem {@link describeTfjsModel} names.
 */
export async function loadTfjsModel(
  location: string,
  options: LoadTfjsModelOptions = {},
): Promise<LoadedTfjsModel> {
  await ensureEngine();
  const card = cardAt(location);
  const declared: LoadTfjsModelOptions = { ...card?.options, ...options };
  const modelLocation = card?.model ?? location;

  // 1. The model from its files.
  const { model, format, where } = await readTfjsModel(modelLocation, declared.format);

  // 2. The model as the kit reads it.
  try {
    const name =
      declared.name ?? (isHttp(modelLocation) ? modelLocation : path.basename(path.dirname(where)));
    const { blackBox, input, output } = describeTfjsModel(model, { ...declared, name });
    return {
      blackBox,
      model,
      format,
      input,
      output,
      location: where,
      dispose: () => model.dispose(),
    };
  } catch (err) {
    model.dispose();
    const message = `${card ? `${card.file} (model ${where})` : where}: ${(err as Error).message}`;
    throw err instanceof UserError ? new UserError(message) : new Error(message);
  }
}
