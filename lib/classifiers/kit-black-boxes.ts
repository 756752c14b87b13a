/**
 * The black boxes an evaluation explains: the kit's trained nets
 * (`results/black-boxes/<arch>/model.json`, written by
 * `experiments/paper/train-black-box.ts`), opened as white boxes so that Grad-CAM
 * can run on them too, with a fingerprint of their weights so that a results
 * file made with other weights is not mistaken for a finished one, and the
 * masking model trained for each (`results/maskers/<arch>/`).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FASHION_MNIST_CLASSES } from '../data/fashion-mnist';
import { ArchitectureConfig, ArchitectureName } from './architecture';
import { buildArchitecture } from './architectures';
import { MODEL_JSON, WEIGHTS_BIN } from '../io/file-io-handler';
import { hashFiles, hashFolder } from './model-fingerprint';
import { tfjsModelBlackBox } from './tfjs-model-black-box';
import {
  BLACK_BOXES_DIR,
  loadKitBlackBox,
  loadTrainedMasker,
  MASKERS_DIR,
} from '../masker/masker-assets';
import type { WhiteBox } from './white-box';
import { EvaluatedMethodName, MethodOptions } from '../evaluation/evaluated-methods';
import { layersWhiteBox } from './layers-white-box';
import { UserError } from '../core/user-error';

/** A black box ready for evaluation; `dispose()` frees its weights (and its masker's). */
export interface EvaluationBlackBox {
  /** The architecture name, used in results file names. */
  name: string;
  /** The net as a white box (a black box with Grad-CAM's extra entry points). */
  whiteBox: WhiteBox;
  /** 16 hex digits identifying the weights (part of every results file's config hash). */
  fingerprint: string;
  /**
   * Method options that are objects rather than settings (the trained masker),
   * merged into a method's options at call time and never hashed; default none.
   */
  runtimeOptions: MethodOptions;
  /** Fingerprints of weights a method brings along (the masker's), hashed into that method's plans. */
  methodFingerprints: Partial<Record<EvaluatedMethodName, string>>;
  dispose(): void;
}

/** The weights fingerprint of one (method, black box) pair: the black box's, plus the method's own weights if any. */
export function pairFingerprint(bb: EvaluationBlackBox, method: EvaluatedMethodName): string {
  const own = bb.methodFingerprints[method];
  return own === undefined ? bb.fingerprint : `${bb.fingerprint}+${own}`;
}

/**
 * Loads a trained kit net from `<dir>/<arch>/model.json` + `weights.bin` as an
 * evaluation black box (white box, weights fingerprint).
 * @throws naming the missing file and the command that makes it.
 */
export async function loadEvaluationBlackBox(
  arch: ArchitectureName,
  dir: string = BLACK_BOXES_DIR,
): Promise<EvaluationBlackBox> {
  const loaded = await loadKitBlackBox(arch, dir);
  const fingerprint = hashFiles([MODEL_JSON, WEIGHTS_BIN].map((f) => path.join(dir, arch, f)));
  return {
    name: arch,
    whiteBox: layersWhiteBox(loaded.model, loaded.blackBox),
    fingerprint,
    runtimeOptions: {},
    methodFingerprints: {},
    dispose: () => loaded.dispose(),
  };
}

/**
 * A freshly initialised (untrained) kit net, for development and tests before
 * trained weights exist. Its fingerprint names the architecture and build options.
 */
export function untrainedKitBlackBox(
  arch: ArchitectureName,
  config: Partial<ArchitectureConfig> = {},
): EvaluationBlackBox {
  const model = buildArchitecture(arch, config);
  const blackBox = tfjsModelBlackBox(model, {
    name: arch,
    classNames:
      config.numClasses === undefined || config.numClasses === 10
        ? FASHION_MNIST_CLASSES
        : undefined,
  });
  const fingerprint = createHash('sha256')
    .update(`untrained/${arch}/${JSON.stringify(config)}`)
    .digest('hex')
    .slice(0, 16);
  return {
    name: arch,
    whiteBox: layersWhiteBox(model, blackBox),
    fingerprint,
    runtimeOptions: {},
    methodFingerprints: {},
    dispose: () => model.dispose(),
  };
}

/** The command that trains the masker of one black box, for error messages. */
export function trainMaskerCommand(arch: string): string {
  return `npx ts-node --transpile-only experiments/paper/train-masker.ts --black-box ${arch}`;
}

/**
 * Loads the masker trained for `bb` (`<maskersDir>/<name>/`, written by
 * `experiments/paper/train-masker.ts`) and attaches it: the `masker` method then
 * runs that masker, its weights are part of the masker pair's fingerprint,
 * and `bb.dispose()` frees it too. Loading it here, before any pair starts,
 * keeps its weights out of the per-pair tensor count.
 * @returns `bb`, changed in place.
 * @throws naming the missing file and the command that makes it.
 */
export async function attachTrainedMasker(
  bb: EvaluationBlackBox,
  maskersDir: string = MASKERS_DIR,
  blackBoxesDir: string = BLACK_BOXES_DIR,
): Promise<EvaluationBlackBox> {
  const dir = path.join(maskersDir, bb.name);
  const manifest = path.join(dir, 'masker.json');
  if (!fs.existsSync(manifest))
    throw new UserError(
      `masker of '${bb.name}': ${path.relative(process.cwd(), manifest)} is missing; make it with: ${trainMaskerCommand(bb.name)}`,
    );
  const loaded = await loadTrainedMasker(bb.name, maskersDir, blackBoxesDir);
  const dispose = bb.dispose;
  bb.runtimeOptions = { ...bb.runtimeOptions, masker: { masker: loaded.masker } };
  bb.methodFingerprints = { ...bb.methodFingerprints, masker: hashFolder(dir) };
  bb.dispose = () => {
    loaded.dispose();
    dispose();
  };
  return bb;
}
