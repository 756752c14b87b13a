/**
 * The saliency methods run on a user's loaded model (by `explain`, and by
 * `evaluate --model`), each with what it needs: Grad-CAM the model opened as
 * a white box at its last spatial feature map (model-white-box.ts), the
 * masker a masker trained for the model, the others the model as a black
 * box. A method the model cannot serve is a named error when asked for by
 * name, and is left out with a note when it is one of the defaults (or of `all`).
 */
import type { Masker } from '../masker/masker';
import type { BlackBox } from '../classifiers/black-box';
import type { LoadedTfjsModel } from '../classifiers/load-tfjs-model';

import { UserError } from '../core/user-error';
import type { MethodOptions } from '../methods/registry';
import { modelWhiteBox } from '../classifiers/model-white-box';

/** Run without asking: fast methods (one or a few passes of the model per image); the masker joins them when one is given. */
export const DEFAULT_MODEL_METHODS: readonly string[] = ['gradient', 'grad-cam', 'occlusion'];

/** A method ready to run: the black box it is called with and its options. */
export interface ModelMethod {
  name: string;
  /** The model as a black box, or as a white box for Grad-CAM. */
  blackBox: BlackBox;
  options: MethodOptions;
}

/** What {@link methodsForModel} chose. */
export interface ModelMethods {
  methods: ModelMethod[];
  /** Default methods left out, each with the reason. */
  notes: string[];
}

/** Options of {@link methodsForModel}. */
export interface ModelMethodsConfig {
  /** The methods asked for by name (`--methods`); default {@link DEFAULT_MODEL_METHODS}, plus `masker` when a masker is given. */
  requested?: readonly string[];
  /** A masker trained for the model (kept alive and disposed by the caller). */
  masker?: Masker;
  /** Options per method (`--method-options`). */
  methodOptions?: MethodOptions;
  /** Leave out, with a note, a method asked for that the model cannot serve, instead of failing (`--methods all`); default false. */
  dropUnavailable?: boolean;
}

/**
 * Prepares the methods for `loaded`.
 * @throws a {@link UserError} naming the method when one asked for by name
 *   cannot run on the model: `masker` without a masker (or with one trained
 *   for another number of classes), `grad-cam` on a model without a spatial
 *   feature map that cuts it.
 */
export async function methodsForModel(
  loaded: LoadedTfjsModel,
  config: ModelMethodsConfig = {},
): Promise<ModelMethods> {
  const { masker, methodOptions = {} } = config;
  const strict = config.requested !== undefined && !config.dropUnavailable;
  const names = config.requested ?? [
    ...DEFAULT_MODEL_METHODS,
    ...(masker ? (['masker'] as const) : []),
  ];
  const { blackBox } = loaded;
  const methods: ModelMethod[] = [];
  const notes: string[] = [];
  for (const name of names) {
    const settings = (methodOptions as Record<string, object | undefined>)[name];
    const options: MethodOptions = settings === undefined ? {} : { [name]: settings };
    if (name === 'masker') {
      if (!masker) {
        const reason =
          'masker needs --masker <folder>: a masker trained for this model (experiments/paper/train-masker.ts --model)';
        if (strict) throw new UserError(`--methods ${reason}`);
        notes.push(`leaving out ${reason}`);
        continue;
      }
      if (masker.config.numClasses !== blackBox.classNames.length) {
        throw new UserError(
          `--masker: the masker was trained for ${masker.config.numClasses} classes, the model '${blackBox.name}' has ${blackBox.classNames.length}`,
        );
      }
      methods.push({ name, blackBox, options: { masker: { ...options.masker, masker } } });
    } else if (name === 'grad-cam') {
      try {
        methods.push({ name, blackBox: await modelWhiteBox(loaded), options });
      } catch (err) {
        const reason = `grad-cam needs a feature map that cuts the model '${blackBox.name}': ${(err as Error).message}`;
        if (strict) throw new UserError(`--methods ${reason}; leave grad-cam out`);
        notes.push(`leaving out ${reason}`);
      }
    } else {
      methods.push({ name, blackBox, options });
    }
  }
  return { methods, notes };
}
