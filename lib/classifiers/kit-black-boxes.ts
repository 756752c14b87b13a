/**
 * The black boxes an evaluation explains: the kit's trained nets
 * (`results/black-boxes/<arch>/model.json`, written by
 * `experiments/paper/train-black-box.ts`), opened as white boxes so that Grad-CAM
 * can run on them too, with a fingerprint of their weights so that a results
 * file made with other weights is not mistaken for a finished one.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FASHION_MNIST_CLASSES } from '../data/fashion-mnist';
import { ArchitectureConfig, ArchitectureName } from './architecture';
import { buildArchitecture } from './architectures';
import { MODEL_JSON, WEIGHTS_BIN } from '../io/file-io-handler';
import { hashFiles } from './model-fingerprint';
import { tfjsModelBlackBox } from './tfjs-model-black-box';
import * as tf from '@tensorflow/tfjs';
import { ensureEngine } from '../engine/backend';
import { fileSystemHandler } from '../io/file-io-handler';
import { RESULTS_DIR } from '../io/results';
import type { ModelBlackBox } from './model-black-box';
import type { WhiteBox } from './white-box';
import { layersWhiteBox } from './layers-white-box';
import { UserError } from '../core/user-error';

/** Folder of the trained black boxes, one sub-folder per architecture. */
export const BLACK_BOXES_DIR = path.join(RESULTS_DIR, 'black-boxes');

/** A trained black box and the LayersModel behind it; `dispose()` frees the model. */
export interface LoadedBlackBox {
  blackBox: ModelBlackBox;
  model: tf.LayersModel;
  dispose(): void;
}

/**
 * Loads one of the kit's trained black boxes (Fashion-MNIST class names,
 * inputs checked to lie in [0, 1] only when `checkRange` is set). The one
 * loader of the kit's nets: {@link loadEvaluationBlackBox} wraps it.
 * Starts the engine first when none is running.
 * @param name `plain`, `inception` or `residual` (any folder under `dir`).
 * @param dir default {@link BLACK_BOXES_DIR}.
 * @throws naming the missing file and the command that makes it.
 */
export async function loadKitBlackBox(
  name: string,
  dir = BLACK_BOXES_DIR,
  checkRange = false,
): Promise<LoadedBlackBox> {
  await ensureEngine();
  const folder = path.join(dir, name);
  const missing = [MODEL_JSON, WEIGHTS_BIN]
    .map((f) => path.join(folder, f))
    .find((f) => !fs.existsSync(f));
  if (missing)
    throw new UserError(
      `black box '${name}': ${path.relative(process.cwd(), missing)} is missing; make it with: ${trainBlackBoxCommand(name)}`,
    );
  const model = await tf.loadLayersModel(fileSystemHandler(folder));
  const blackBox = tfjsModelBlackBox(model, {
    name,
    classNames: FASHION_MNIST_CLASSES,
    checkRange,
  });
  return { blackBox, model, dispose: () => model.dispose() };
}

/** The command that trains one of the kit's black boxes, for error messages. */
export function trainBlackBoxCommand(arch: string): string {
  return `npx ts-node --transpile-only experiments/paper/train-black-box.ts --arch ${arch}`;
}

/** A black box ready for evaluation; `dispose()` frees its weights. */
export interface EvaluationBlackBox {
  /** The architecture name, used in results file names. */
  name: string;
  /** The net as a white box (a black box with Grad-CAM's extra entry points). */
  whiteBox: WhiteBox;
  /** 16 hex digits identifying the weights (part of every results file's config hash). */
  fingerprint: string;
  dispose(): void;
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
    dispose: () => model.dispose(),
  };
}
