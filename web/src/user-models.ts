/**
 * A user's own TF.js classifier and the masker trained for it
 * (`train-masker --model`, docs/your-own-model.md), loaded in the page from
 * files the user picked or from addresses (`npm run web -- --model … --masker …`
 * serves them under `user/`). The model is read as the kit's Node side reads
 * it: a LayersModel or a GraphModel of any input size
 * (lib/classifiers/model-from-artifacts.ts), described by
 * lib/classifiers/tfjs-model-black-box.ts (input size and channels, logits or
 * probabilities, class names from its metadata, else `class0…`). The masker's
 * manifest names its encoder: the model's own layers or nodes (`own`, rebuilt
 * on the model with the recorded taps) or the kit's residual net.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../lib/core/user-error';
import { encoderFor } from '../../lib/encoders/encoder-for';
import { residualEncoder } from '../../lib/encoders/residual-net-encoder';
import { modelFromArtifacts } from '../../lib/classifiers/model-from-artifacts';
import { describeTfjsModel } from '../../lib/classifiers/tfjs-model-black-box';
import { Encoder, Masker, SavedMasker, savedMaskerEncoderRecord } from '../../lib/masker/masker';
import { ENCODER_NET, fetchOk, loadModel, PageModels } from './models';

/** The masker's two files, as Masker.save writes them. */
const MASKER_MANIFEST = 'masker.json';
const MASKER_WEIGHTS = 'masker.weights.bin';

/**
 * Where the user's model and masker are: files picked in the page (the
 * model.json with its weight shards; the masker's two files), or addresses
 * (the model.json; the masker's folder).
 */
export type UserModelSource = { model: File[]; masker: File[] } | { model: string; masker: string };

/** The salient box's α for a user's masker: the protocol's default, as `evaluate --model` uses (no held-out set to tune it on). */
const USER_ALPHA = 1;

/** The model's artifacts from the picked files or the address; throws naming the file and the cause. */
async function modelArtifacts(
  source: UserModelSource,
): Promise<{ artifacts: tf.io.ModelArtifacts; where: string }> {
  if (typeof source.model === 'string') {
    const where = source.model;
    const artifacts = await tf.io.http(where).load!().catch((err: Error) => {
      throw new UserError(`the model ${where} could not be read: ${err.message}`);
    });
    return { artifacts, where };
  }
  const jsons = source.model.filter((f) => f.name.toLowerCase().endsWith('.json'));
  if (jsons.length !== 1)
    throw new UserError(
      `pick one model.json and its weight files for the model (got ${jsons.length} .json files among ${source.model.map((f) => f.name).join(', ') || 'none'})`,
    );
  const json = jsons[0];
  const shards = source.model.filter((f) => f !== json);
  // tf.io.browserFiles reads a model.json alone as a topology without weights: name the missing files instead.
  const missing = (await weightFilesListed(json)).filter((n) => !shards.some((f) => f.name === n));
  if (missing.length)
    throw new UserError(
      `the model ${json.name} needs its weight files: ${missing.join(', ')} ${missing.length > 1 ? 'were' : 'was'} not picked with it`,
    );
  const artifacts = await tf.io.browserFiles([json, ...shards]).load!().catch((err: Error) => {
    throw new UserError(`the model ${json.name} could not be read: ${err.message}`);
  });
  return { artifacts, where: json.name };
}

/** The weight files a model.json lists (its `weightsManifest` paths); none when it is not JSON (then tf.io says why). */
async function weightFilesListed(json: File): Promise<string[]> {
  let parsed: { weightsManifest?: { paths?: string[] }[] };
  try {
    parsed = JSON.parse(await json.text()) as typeof parsed;
  } catch {
    return [];
  }
  return (parsed?.weightsManifest ?? []).flatMap((group) =>
    (group?.paths ?? []).map((p) => p.split('/').pop() as string),
  );
}

/** The masker's files in memory; throws naming what is missing. */
async function maskerFiles(source: UserModelSource): Promise<SavedMasker> {
  if (typeof source.masker === 'string') {
    const dir = source.masker.endsWith('/') ? source.masker : `${source.masker}/`;
    const names = { manifest: `${dir}${MASKER_MANIFEST}`, weights: `${dir}${MASKER_WEIGHTS}` };
    const [manifest, weights] = await Promise.all([
      fetchOk(names.manifest).then((r) => r.text()),
      fetchOk(names.weights).then((r) => r.arrayBuffer()),
    ]);
    return { manifest, weights: new Uint8Array(weights), names };
  }
  const find = (name: string) => {
    const file = (source.masker as File[]).find((f) => f.name === name);
    if (!file)
      throw new UserError(
        `the masker needs ${MASKER_MANIFEST} and ${MASKER_WEIGHTS} (train-masker's output folder); ${name} is not among ${(source.masker as File[]).map((f) => f.name).join(', ') || 'the files picked'}`,
      );
    return file;
  };
  const [manifest, weights] = [find(MASKER_MANIFEST), find(MASKER_WEIGHTS)];
  return {
    manifest: await manifest.text(),
    weights: new Uint8Array(await weights.arrayBuffer()),
    names: { manifest: manifest.name, weights: weights.name },
  };
}

/**
 * Loads a user's model and masker.
 * @param base where the kit's residual net is served, for a masker trained on it.
 * @returns the page's models; the caller disposes them.
 * @throws naming the file and the cause: a model.json that is not a model,
 *   missing weight files, a model the kit cannot explain (not an image
 *   classifier, an open input size), masker files missing or malformed, a
 *   masker trained on other taps or another number of classes.
 */
export async function loadUserModels(
  source: UserModelSource,
  base = 'results/',
): Promise<PageModels> {
  const { artifacts, where } = await modelArtifacts(source);
  if (!artifacts.modelTopology)
    throw new UserError(`${where} is not a TF.js model: it holds no modelTopology`);
  const { model } = await modelFromArtifacts(artifacts, where).catch((err: Error) => {
    throw new UserError(`${where} is not a TF.js model the kit can load: ${err.message}`);
  });
  let encoderNet: tf.LayersModel | undefined;
  try {
    const name = `your model (${where.split('/').slice(-2).join('/')})`;
    let described: ReturnType<typeof describeTfjsModel>;
    try {
      described = describeTfjsModel(model, { name, checkRange: false });
    } catch (err) {
      throw new UserError(`${where} cannot be explained: ${(err as Error).message}`);
    }
    const { blackBox } = described;
    const saved = await maskerFiles(source);
    const record = savedMaskerEncoderRecord(saved);
    let encoder: Encoder;
    if (!record || record.kind === 'residual') {
      encoderNet = await loadModel(
        `${base}black-boxes/${ENCODER_NET}/model.json`,
        `the masker's encoder (the '${ENCODER_NET}' net)`,
      );
      encoder = residualEncoder(encoderNet);
    } else if (record.kind === 'own') {
      try {
        encoder = encoderFor(model, {
          kind: 'own',
          taps: record.taps,
          inputSize: blackBox.inputSize,
          preprocessing: blackBox.preprocessing,
        });
      } catch (err) {
        throw new UserError(
          `${saved.names?.manifest}: the masker's encoder (taps ${record.taps.join(', ')}) does not fit ${where}: ${(err as Error).message}`,
        );
      }
    } else {
      throw new UserError(
        `${saved.names?.manifest}: the masker was trained on a '${record.kind}' encoder${record.location ? ` (${record.location})` : ''}; the page loads maskers on the model's own layers or on the kit's residual net`,
      );
    }
    const masker = Masker.fromSaved(encoder, saved);
    const classes = blackBox.classNames.length;
    if (masker.config.numClasses !== classes) {
      masker.dispose();
      throw new UserError(
        `${saved.names?.manifest}: the masker explains ${masker.config.numClasses} classes, the model ${where} has ${classes}`,
      );
    }
    const net = encoderNet;
    return {
      name,
      classify: (input) => blackBox.predict(input),
      masker,
      inputSize: blackBox.inputSize,
      classNames: blackBox.classNames,
      alpha: USER_ALPHA,
      dispose: () => {
        masker.dispose();
        net?.dispose();
        model.dispose();
      },
    };
  } catch (err) {
    encoderNet?.dispose();
    model.dispose();
    throw err;
  }
}
