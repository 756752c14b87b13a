/**
 * The trained pieces masker training and the masker method read from
 * `results/`: the frozen encoder over the trained `residual` net (Dabkowski & Gal 2017,
 * §4.1: one encoder for every black box explained, as their ResNet-50
 * features explain AlexNet and GoogLeNet too), and the trained maskers
 * (`results/maskers/<black box>/`, written by `Masker.save`).
 */
import * as path from 'path';
import { EncoderRecord, Masker } from './masker';
import { residualEncoder } from '../encoders/residual-net-encoder';
import { BLACK_BOXES_DIR, loadKitBlackBox } from '../classifiers/kit-black-boxes';
import { readJson, RESULTS_DIR } from '../io/results';
import { UserError } from '../core/user-error';

/** Folder of the trained maskers, one sub-folder per black box. */
export const MASKERS_DIR = path.join(RESULTS_DIR, 'maskers');
/** The black box whose trained net is the masker's encoder. */
export const ENCODER_BLACK_BOX = 'residual';

/** A trained masker with the model its encoder borrows; `dispose()` frees both. */
export interface LoadedMasker {
  masker: Masker;
  dispose(): void;
}

/**
 * Loads the masker trained for a black box: the residual encoder from
 * `blackBoxesDir`, the masker's configuration and weights from `<maskersDir>/<name>/`.
 * @param blackBoxName the black box the masker explains (`plain`, `inception`, `residual`).
 * @returns the masker; the caller calls `dispose()`.
 * @throws naming the path when a file is missing.
 */
export async function loadTrainedMasker(
  blackBoxName: string,
  maskersDir = MASKERS_DIR,
  blackBoxesDir = BLACK_BOXES_DIR,
): Promise<LoadedMasker> {
  return loadMaskerFrom(path.join(maskersDir, blackBoxName), blackBoxesDir);
}

/**
 * Loads a masker saved by `Masker.save` in `dir`, on the residual encoder of
 * `blackBoxesDir` (the committed maskers' encoder, recorded or not).
 * @returns the masker; the caller calls `dispose()`.
 * @throws naming the path when a file is missing; naming the recorded encoder
 *   when the masker was trained on another one (then build that encoder with
 *   lib/encoders/encoder-for.ts and call `Masker.restore`).
 */
export async function loadMaskerFrom(
  dir: string,
  blackBoxesDir = BLACK_BOXES_DIR,
): Promise<LoadedMasker> {
  const manifest = path.join(dir, 'masker.json');
  const saved = readJson<{ encoder?: EncoderRecord }>(
    manifest,
    'train the masker again with experiments/paper/train-masker.ts',
  );
  if (!saved)
    throw new UserError(
      `no trained masker at ${manifest}: run experiments/paper/train-masker.ts first`,
    );
  if (saved.encoder && saved.encoder.kind !== 'residual') {
    throw new UserError(
      `${manifest}: the masker was trained on the ${saved.encoder.kind} encoder [${saved.encoder.taps.join(', ')}], not the kit's residual one: load it with Masker.restore(encoderFor(model, { kind: '${saved.encoder.kind}', ... }), dir)`,
    );
  }
  const encoderModel = await loadKitBlackBox(ENCODER_BLACK_BOX, blackBoxesDir);
  try {
    const masker = await Masker.restore(residualEncoder(encoderModel.model), dir);
    return {
      masker,
      dispose: () => {
        masker.dispose();
        encoderModel.dispose();
      },
    };
  } catch (err) {
    encoderModel.dispose();
    throw err;
  }
}
