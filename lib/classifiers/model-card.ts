/**
 * A model card: a small JSON file beside a user's model that says what the
 * kit cannot read from the model itself, so that every command takes the
 * model as one `--model card.json`:
 *
 *     { "model": "path/model.json", "name": "faces", "format": "graph",
 *       "inputSize": [h, w], "channels": c, "preprocessing": {...},
 *       "output": "name", "outputs": "logits", "labels": "labels.txt" }
 *
 * Only `model` is required; paths are relative to the card's folder. The
 * loader tells a card from a model.json by the latter's `modelTopology`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../core/user-error';
import type { LoadTfjsModelOptions, ModelFormat } from './load-tfjs-model';
import { preprocessingFromJson } from './input-preprocessing';
import { DECLARED_OUTPUTS, DeclaredOutputs } from './output-kind';

/** A card read: where the model is and what the card declares. */
export interface ModelCard {
  /** The card file. */
  file: string;
  /** The model's location (a model.json path or folder, or an http(s) URL), resolved against the card's folder. */
  model: string;
  /** The card's declarations, paths resolved. */
  options: LoadTfjsModelOptions;
}

/** The keys a card may hold. */
export const MODEL_CARD_KEYS: readonly string[] = [
  'model',
  'name',
  'format',
  'inputSize',
  'channels',
  'preprocessing',
  'output',
  'outputs',
  'labels',
];

const FORMATS: readonly ModelFormat[] = ['auto', 'layers', 'graph'];

const isPositiveInteger = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1;
const isHttp = (location: string) => /^https?:\/\//i.test(location);

/**
 * Reads `file` as a model card.
 * @returns the card, or undefined when `file` is a TF.js model.json (it has a `modelTopology`).
 * @throws a {@link UserError} naming the card and the key when the file is not
 *   JSON, has no `model`, holds an unknown key, or a value of the wrong kind.
 */
export function readModelCard(file: string): ModelCard | undefined {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new UserError(
      `${file} is neither a TF.js model.json nor a model card: it holds no JSON object`,
    );
  const card = json as Record<string, unknown>;
  if ('modelTopology' in card) return undefined;
  const bad = (key: string, expected: string) =>
    new UserError(
      `model card ${file}: "${key}" must be ${expected}, got ${JSON.stringify(card[key])}`,
    );
  if (typeof card.model !== 'string' || card.model === '') {
    throw new UserError(
      `${file} is neither a TF.js model.json (no "modelTopology") nor a model card (no "model" naming the model.json)`,
    );
  }
  const unknown = Object.keys(card).find((k) => !MODEL_CARD_KEYS.includes(k));
  if (unknown !== undefined)
    throw new UserError(
      `model card ${file}: unknown key "${unknown}"; a card holds ${MODEL_CARD_KEYS.join(', ')}`,
    );

  const folder = path.dirname(path.resolve(file));
  const options: LoadTfjsModelOptions = {};
  if (card.name !== undefined) {
    if (typeof card.name !== 'string') throw bad('name', 'a string');
    options.name = card.name;
  }
  if (card.format !== undefined) {
    if (!FORMATS.includes(card.format as ModelFormat))
      throw bad('format', `one of ${FORMATS.join(', ')}`);
    options.format = card.format as ModelFormat;
  }
  if (card.inputSize !== undefined) {
    const size = card.inputSize;
    if (!(Array.isArray(size) && size.length === 2 && size.every(isPositiveInteger)))
      throw bad('inputSize', '[height, width], two integers >= 1');
    options.inputSize = [size[0], size[1]];
  }
  if (card.channels !== undefined) {
    if (!isPositiveInteger(card.channels)) throw bad('channels', 'an integer >= 1');
    options.channels = card.channels;
  }
  if (card.preprocessing !== undefined)
    options.preprocessing = preprocessingFromJson(
      card.preprocessing,
      `model card ${file}: "preprocessing"`,
    );
  if (card.output !== undefined) {
    if (typeof card.output !== 'string') throw bad('output', "an output's name");
    options.output = card.output;
  }
  if (card.outputs !== undefined) {
    if (!DECLARED_OUTPUTS.includes(card.outputs as DeclaredOutputs))
      throw bad('outputs', `one of ${DECLARED_OUTPUTS.join(', ')}`);
    options.outputs = card.outputs as DeclaredOutputs;
  }
  if (card.labels !== undefined) {
    if (typeof card.labels !== 'string') throw bad('labels', 'the path of a labels file');
    options.labels = path.resolve(folder, card.labels);
  }
  const model = isHttp(card.model)
    ? card.model
    : path.resolve(
        folder,
        card.model.startsWith('file://') ? card.model.slice('file://'.length) : card.model,
      );
  return { file, model, options };
}
