/**
 * The masker of a user's loaded model (lib/classifiers/load-tfjs-model.ts): the
 * encoder the commands' `--encoder` flag names for training it
 * (lib/encoders/encoder-for.ts), and a saved masker reloaded on the encoder
 * its manifest records (`savedEncoderRecord`, lib/masker/masker.ts).
 *
 * `--encoder` takes `own` (the model's own layers or graph nodes, the
 * default), `residual` (the kit's trained residual net, as the committed
 * maskers use) or the location of a feature model (a TF.js model whose
 * outputs are the maps). A masker trained on a feature model records the
 * model's output names and where it was loaded from, where reloading finds
 * it again (`--feature-model` names it when it has moved).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseFolder } from '../commands/cli';
import { EncoderKind, encoderFor } from '../encoders/encoder-for';
import type { ModelEncoder } from '../encoders/model-encoder';
import { Masker, savedEncoderRecord } from './masker';
import { resolveModelJsonPath } from '../io/file-io-handler';
import { LoadedTfjsModel, readTfjsModel } from '../classifiers/load-tfjs-model';
import { UserError } from '../core/user-error';
import { ENCODER_BLACK_BOX, LoadedMasker, MASKERS_DIR } from './masker-assets';
import { BLACK_BOXES_DIR, loadKitBlackBox } from '../classifiers/kit-black-boxes';

/** Where the commands put the maskers of users' models by default (`train-masker --model`, `select-masker --model`), one sub-folder per model. */
export const MODEL_MASKERS_DIR = path.join(MASKERS_DIR, 'models');

/** What `--encoder` names. */
export type EncoderChoice =
  { kind: 'own' } | { kind: 'residual' } | { kind: 'features'; location: string };

/** `--encoder`'s forms, for help and messages. */
export const ENCODER_FORMS =
  "own (the model's own layers or graph nodes) | residual (the kit's trained residual net) | a feature model (its model.json or folder; its outputs are the maps)";

/**
 * Parses `--encoder`.
 * @throws a {@link UserError} naming the flag when the value is neither `own`,
 *   `residual` nor the path of an existing model.json or folder holding one.
 */
export function parseEncoderChoice(value: string, flag = '--encoder'): EncoderChoice {
  if (value === 'own' || value === 'residual') return { kind: value };
  if (/^https?:\/\//i.test(value)) return { kind: 'features', location: value };
  if (!fs.existsSync(resolveModelJsonPath(value)))
    throw new UserError(
      `${flag} must be ${ENCODER_FORMS}, got '${value}': no ${resolveModelJsonPath(value)}`,
    );
  return { kind: 'features', location: value };
}

/** An encoder for a loaded model and what it borrows; `dispose()` frees the model it loaded (the residual net, a feature model), not the explained one. */
export interface LoadedEncoder {
  encoder: ModelEncoder;
  /** For records: the kind, the taps, and the feature model's location. */
  description: { kind: EncoderKind; taps: readonly string[]; featureModel?: string };
  dispose(): void;
}

/**
 * Builds the encoder `choice` names for `loaded`.
 * @param taps the layers or nodes to tap (a saved masker's record); default: found automatically.
 * @param blackBoxesDir where the kit's residual net lies; default `results/black-boxes/`.
 * @throws a {@link UserError} naming `--encoder` and the model when the
 *   encoder cannot serve the model (no spatial map at a needed stride, input
 *   sizes that do not fit, a missing tap, a missing file).
 */
export async function loadEncoder(
  loaded: LoadedTfjsModel,
  choice: EncoderChoice,
  taps?: readonly string[],
  blackBoxesDir = BLACK_BOXES_DIR,
): Promise<LoadedEncoder> {
  const { blackBox, model } = loaded;
  const shared = { preprocessing: blackBox.preprocessing, inputSize: blackBox.inputSize };
  let borrowed: { dispose(): void } | undefined;
  try {
    let encoder: ModelEncoder;
    let featureModel: string | undefined;
    if (choice.kind === 'own') {
      encoder = encoderFor(model, { kind: 'own', ...shared, taps });
    } else if (choice.kind === 'residual') {
      const net = await loadKitBlackBox(ENCODER_BLACK_BOX, blackBoxesDir);
      borrowed = net;
      encoder = encoderFor(model, { kind: 'residual', net: net.model });
    } else {
      const read = await readTfjsModel(choice.location);
      borrowed = read.model;
      featureModel = read.where;
      const features = encoderFor(model, { kind: 'features', model: read.model, ...shared });
      // Recorded with the masker, so that loading it finds the feature model again.
      encoder = { ...features, record: { ...features.record, location: read.where } };
    }
    const description = {
      kind: choice.kind,
      taps: encoder.record?.taps ?? [],
      ...(featureModel ? { featureModel } : {}),
    };
    return { encoder, description, dispose: () => borrowed?.dispose() };
  } catch (err) {
    borrowed?.dispose();
    if (err instanceof UserError) throw err;
    throw new UserError(
      `--encoder ${choice.kind === 'features' ? choice.location : choice.kind} for model '${blackBox.name}': ${(err as Error).message}`,
    );
  }
}

/**
 * Checks the flags that name a masker, before anything is loaded: `--masker`
 * an existing folder, `--feature-model` only with it.
 * @throws a {@link UserError} naming the flag.
 */
export function checkMaskerFlags(
  masker: string | undefined,
  featureModel: string | undefined,
): void {
  if (masker !== undefined)
    parseFolder(
      masker,
      '--masker',
      'a masker trained for this model (masker.json, masker.weights.bin)',
    );
  else if (featureModel !== undefined)
    throw new UserError('--feature-model applies only with --masker');
}

/**
 * Loads a masker trained for `loaded` (by `train-masker --model`) from `dir`,
 * on the encoder its manifest records (a manifest without a record: the kit's residual encoder).
 * @param featureModel the feature model's location, for a masker trained on one (`--encoder`).
 * @returns the masker; the caller calls `dispose()` (the masker and the model its encoder loaded).
 * @throws a {@link UserError} naming the folder: no masker there, a masker
 *   trained on a feature model when none is given, or one whose encoder does
 *   not fit the model (its class count is checked where it is used, lib/methods/model-methods.ts).
 */
export async function loadModelMasker(
  loaded: LoadedTfjsModel,
  dir: string,
  featureModel?: string,
  blackBoxesDir = BLACK_BOXES_DIR,
): Promise<LoadedMasker> {
  let record: ReturnType<typeof savedEncoderRecord>;
  try {
    record = savedEncoderRecord(dir);
  } catch (err) {
    throw new UserError(
      `--masker ${dir}: no masker saved there (${(err as Error).message}); train one with experiments/paper/train-masker.ts --model`,
    );
  }
  const kind = record?.kind ?? 'residual';
  if (kind !== 'own' && kind !== 'residual' && kind !== 'features')
    throw new UserError(
      `--masker ${dir}: the masker was trained on an encoder of kind '${kind}', which the kit cannot rebuild`,
    );
  const location = featureModel ?? record?.location;
  if (kind === 'features' && location === undefined) {
    throw new UserError(
      `--masker ${dir} was trained on a feature model's maps (${record?.taps.join(', ')}) whose location it does not record: give that model with --feature-model <its model.json>`,
    );
  }
  const choice: EncoderChoice =
    kind === 'features' ? { kind, location: location as string } : { kind };
  const built = await loadEncoder(
    loaded,
    choice,
    kind === 'own' ? record?.taps : undefined,
    blackBoxesDir,
  );
  try {
    const masker = await Masker.restore(built.encoder, dir);
    return {
      masker,
      dispose: () => {
        masker.dispose();
        built.dispose();
      },
    };
  } catch (err) {
    built.dispose();
    if (err instanceof UserError) throw err;
    throw new UserError(`--masker ${dir}: ${(err as Error).message}`);
  }
}
