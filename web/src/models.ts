/**
 * The page's models, fetched over HTTP from the committed results (served
 * under `results/` by lib/web/web-server.ts): a trained black box
 * (`results/black-boxes/<name>/`), the residual net whose layers are the
 * masker's encoder, a masker trained for that black box with one of the
 * committed recipes (lib/masker/masker-recipes.ts) and the localisation
 * threshold α tuned for it.
 */
import * as tf from '@tensorflow/tfjs';
import { residualEncoder } from '../../lib/encoders/residual-net-encoder';
import { FASHION_MNIST_CLASSES } from '../../lib/data/fashion-mnist-classes';
import { Masker } from '../../lib/masker/masker';
import {
  committedMaskerFolder,
  MASKER_RECIPES,
  MaskerRecipe,
  recordedAlpha,
} from '../../lib/masker/masker-recipes';

/** The kit's black boxes with a committed masker. */
export const BLACK_BOXES = ['plain', 'inception', 'residual'] as const;

/** The net whose layers the committed maskers' encoder taps (lib/masker/masker-assets.ts `ENCODER_BLACK_BOX`). */
export const ENCODER_NET = 'residual';

/** Loaded models, the kit's or a user's (web/src/user-models.ts); `dispose()` frees all of them. */
export interface PageModels {
  name: string;
  /**
   * The black box: `[1, H, W, 3]` in [0, 1] to its class probabilities `[1, K]`.
   * The caller disposes the result.
   */
  classify(input: tf.Tensor4D): tf.Tensor;
  masker: Masker;
  /** Input `[H, W]` of the black box and the masker. */
  inputSize: readonly [number, number];
  /** Class names, one per class of the black box. */
  classNames: readonly string[];
  /** The salient region is the pixels above α × the mask's mean (the evaluation's tuned α). */
  alpha: number;
  dispose(): void;
}

/** Fetches a file or throws naming the address and the HTTP status. */
export async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url).catch((err: Error) => {
    throw new Error(`${url} could not be fetched (${err.message})`);
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status} ${res.statusText}`);
  return res;
}

/** Loads a LayersModel, naming what it is in the error. */
export async function loadModel(url: string, what: string): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(url);
  } catch (err) {
    throw new Error(`${what} could not be loaded from ${url}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Loads the models for one black box and the masker of one recipe.
 * @param report called with a line when something optional is missing (α) and what is used instead.
 * @throws naming the address that failed and why.
 */
export async function loadModels(
  name: string,
  report: (message: string) => void,
  recipe: MaskerRecipe = 'paper',
  base = 'results/',
): Promise<PageModels> {
  const blackBox = await loadModel(`${base}black-boxes/${name}/model.json`, `black box '${name}'`);
  let encoderNet: tf.LayersModel | undefined;
  try {
    encoderNet = await loadModel(
      `${base}black-boxes/${ENCODER_NET}/model.json`,
      `the masker's encoder (the '${ENCODER_NET}' net)`,
    );
    const dir = `${base}${committedMaskerFolder(recipe, name)}`;
    const [manifest, weights] = await Promise.all([
      fetchOk(`${dir}masker.json`).then((r) => r.text()),
      fetchOk(`${dir}masker.weights.bin`).then((r) => r.arrayBuffer()),
    ]);
    const masker = Masker.fromSaved(residualEncoder(encoderNet), {
      manifest,
      weights: new Uint8Array(weights),
      names: { manifest: `${dir}masker.json`, weights: `${dir}masker.weights.bin` },
    });
    const side = blackBox.inputs[0].shape[1] ?? 64;
    const alpha = await tunedAlpha(`${base}${MASKER_RECIPES[recipe].alphaFile(name)}`, report);
    const net = encoderNet;
    return {
      name,
      classify: (input) => blackBox.predict(input) as tf.Tensor,
      masker,
      inputSize: [side, side],
      classNames: FASHION_MNIST_CLASSES,
      alpha,
      dispose: () => {
        masker.dispose();
        net.dispose();
        blackBox.dispose();
      },
    };
  } catch (err) {
    encoderNet?.dispose();
    blackBox.dispose();
    throw err;
  }
}

/** The masker's tuned α, or 1 (the protocol's default) with a report when it cannot be read. */
async function tunedAlpha(url: string, report: (message: string) => void): Promise<number> {
  try {
    const alpha = recordedAlpha(await (await fetchOk(url)).json());
    if (alpha === undefined) throw new Error('it records no α');
    return alpha;
  } catch (err) {
    report(`no tuned α from ${url} (${(err as Error).message}): the salient box uses α = 1`);
    return 1;
  }
}
