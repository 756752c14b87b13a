/**
 * A TF.js model — LayersModel or GraphModel — as a {@link ModelBlackBox},
 * described by the model itself: the input size and channels from its
 * signature ({@link imageInput}), the output among several by name, whether
 * that output holds probabilities or logits from a probe batch of random
 * images ({@link resolveOutputKind}), the class names from a labels file or
 * the labels list in the model's `userDefinedMetadata`. Declarations only
 * fill in or confirm: each one the model contradicts is an error naming both.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/user-error';
import { labelsFromMetadata, readLabelsFile } from './class-names';
import {
  checkPreprocessing,
  DEFAULT_PREPROCESSING,
  InputPreprocessing,
  preprocess,
} from './input-preprocessing';
import { ForwardFn, ModelBlackBox } from './model-black-box';
import {
  DeclaredInput,
  describeTensor,
  formatShape,
  ImageInput,
  imageInput,
  modelOutputs,
  TensorSignature,
  TfjsModel,
} from './model-signature';
import { DeclaredOutputs, resolveOutputKind } from './output-kind';

/** Options of {@link describeTfjsModel}: declarations about the model, each optional. */
export interface TfjsModelOptions extends DeclaredInput {
  /** Name for logs and results; default the LayersModel's name, or `'model'`. */
  name?: string;
  /** Which output to explain, by name (a LayersModel's output layer, a GraphModel's output node or signature key); required when there are several. */
  output?: string;
  /** What the output holds; default `'auto'` (read from a probe batch). */
  outputs?: DeclaredOutputs;
  /** Mapping from [0, 1] images to the model's input; default the identity. */
  preprocessing?: InputPreprocessing;
  /** Class names; default the labels file, else the model's metadata labels, else `class0..`. */
  classNames?: readonly string[];
  /** A labels file (see `readLabelsFile`); not together with `classNames`. */
  labels?: string;
  /** Check every input lies in [0, 1] (one small read-back per call); default true. */
  checkRange?: boolean;
}

/** A model as the kit reads it. */
export interface TfjsModelDescription {
  blackBox: ModelBlackBox;
  /** The image input fed. */
  input: ImageInput;
  /** The output explained, its shape `[?, K]`. */
  output: TensorSignature;
}

/** Images in the probe batch that tells probabilities from logits. */
export const PROBE_IMAGES = 4;
/** Seed of the probe batch's random images. */
const PROBE_SEED = 7;

/** Runs the named outputs of `model` on `x`; the caller disposes the tensors. */
function runOutputs(model: TfjsModel, x: tf.Tensor4D, names: readonly string[]): tf.Tensor[] {
  if (model instanceof tf.GraphModel) {
    const out = model.execute(x, [...names]);
    return Array.isArray(out) ? out : [out];
  }
  const out = model.apply(x) as tf.Tensor | tf.Tensor[];
  const all = Array.isArray(out) ? out : [out];
  const picked = names.map((n) => all[model.outputNames.indexOf(n)]);
  tf.dispose(all.filter((t) => !picked.includes(t)));
  return picked;
}

/** `outputs` with the shapes a run on `x` gives where the model states none (batch shown as open). */
function withRunShapes(
  model: TfjsModel,
  x: tf.Tensor4D,
  outputs: TensorSignature[],
): TensorSignature[] {
  const shapes = tf.tidy(() =>
    runOutputs(
      model,
      x,
      outputs.map((o) => o.name),
    ).map((t) => t.shape),
  );
  return outputs.map((o, i) => ({ name: o.name, shape: o.shape ?? [null, ...shapes[i].slice(1)] }));
}

/** The output to explain: the one named, or the only one. */
function chooseOutput(
  model: TfjsModel,
  x: tf.Tensor4D,
  requested: string | undefined,
): TensorSignature {
  const outputs = modelOutputs(model);
  if (requested !== undefined) {
    const found = outputs.find((o) => o.name === requested);
    if (found) return found;
    const signatureKey =
      model instanceof tf.GraphModel
        ? (model.modelSignature as { outputs?: Record<string, { name?: string }> } | undefined)
            ?.outputs?.[requested]
        : undefined;
    if (signatureKey?.name) return { name: requested };
    throw new UserError(
      `the model has no output '${requested}'; its outputs: ${withRunShapes(model, x, outputs).map(describeTensor).join(', ')}`,
    );
  }
  if (outputs.length === 1) return outputs[0];
  throw new UserError(
    `the model has ${outputs.length} outputs: ${withRunShapes(model, x, outputs).map(describeTensor).join(', ')}; ` +
      `choose the class scores to explain by name (output / --output)`,
  );
}

/** The forward pass to `output` as a differentiable function. */
function forwardTo(model: TfjsModel, output: string): ForwardFn {
  if (model instanceof tf.GraphModel) return (x) => model.execute(x, output) as tf.Tensor;
  if (model.outputs.length === 1) return (x) => model.apply(x) as tf.Tensor;
  const head = tf.model({
    inputs: model.inputs,
    outputs: model.outputs[model.outputNames.indexOf(output)],
  });
  return (x) => head.apply(x) as tf.Tensor;
}

/** The class names: declared, from the labels file, from the metadata, or none (the black box numbers them). */
function classNamesFor(
  model: TfjsModel,
  options: TfjsModelOptions,
  numClasses: number,
  output: string,
): string[] | undefined {
  if (options.classNames !== undefined && options.labels !== undefined)
    throw new UserError('give class names or a labels file, not both');
  const metadata = model instanceof tf.GraphModel ? model.metadata : model.getUserDefinedMetadata();
  const [names, source] =
    options.classNames !== undefined
      ? [[...options.classNames], 'classNames']
      : options.labels !== undefined
        ? [readLabelsFile(options.labels), `labels file ${options.labels}`]
        : [labelsFromMetadata(metadata), 'the labels in model.json userDefinedMetadata'];
  if (names !== undefined && names.length !== numClasses) {
    throw new UserError(
      `${source} holds ${names.length} class names, but output '${output}' gives ${numClasses} class scores`,
    );
  }
  return names;
}

/**
 * Reads `model` and wraps it as a black box; one forward pass on
 * {@link PROBE_IMAGES} random images. The model stays the caller's (dispose it when done).
 * @throws a {@link UserError} naming the problem: an input that is not one
 *   image (rank ≠ 4, several inputs), a declaration the signature contradicts,
 *   channels other than 1 or 3 undeclared, several outputs without `output`,
 *   an output that is not class scores `[batch, K]` with K ≥ 2 (a regression
 *   or single-sigmoid head `[batch, 1]`, a spatial map), a declared output
 *   kind the probe contradicts, a labels list of another length than K.
 */
export function describeTfjsModel(
  model: TfjsModel,
  options: TfjsModelOptions = {},
): TfjsModelDescription {
  const input = imageInput(model, options);
  const preprocessing = options.preprocessing ?? DEFAULT_PREPROCESSING;
  checkPreprocessing(preprocessing, input.channels);
  const probe = tf.tidy(() =>
    preprocess(
      tf.randomUniform(
        [PROBE_IMAGES, ...input.inputSize, input.channels],
        0,
        1,
        'float32',
        PROBE_SEED,
      ) as tf.Tensor4D,
      preprocessing,
    ),
  );
  let scores: tf.Tensor | undefined;
  try {
    const chosen = chooseOutput(model, probe, options.output);
    const forward = forwardTo(model, chosen.name);
    scores = tf.tidy(() => forward(probe));
    const shape = scores.shape;
    const output = { name: chosen.name, shape: [null, ...shape.slice(1)] };
    if (shape.length !== 2 || shape[0] !== PROBE_IMAGES) {
      throw new UserError(
        `output ${describeTensor(output)} is not class scores: the kit explains outputs of shape [batch, K] with K >= 2` +
          (shape[0] === PROBE_IMAGES
            ? ''
            : ` (it gave ${formatShape(shape)} for ${PROBE_IMAGES} images)`),
      );
    }
    const numClasses = shape[1];
    if (numClasses < 2) {
      throw new UserError(
        `output ${describeTensor(output)} gives one score per image (a regression or a single sigmoid), not class scores: ` +
          'the kit explains outputs of shape [batch, K] with K >= 2',
      );
    }
    const outputs = resolveOutputKind(
      options.outputs ?? 'auto',
      scores as tf.Tensor2D,
      chosen.name,
    );
    const name = options.name ?? (model instanceof tf.GraphModel ? 'model' : model.name);
    const classNames = classNamesFor(model, options, numClasses, chosen.name);
    const blackBox = new ModelBlackBox(forward, input.inputSize, input.channels, numClasses, {
      name,
      classNames,
      outputs,
      preprocessing,
      checkRange: options.checkRange,
    });
    return { blackBox, input, output };
  } finally {
    tf.dispose([probe, ...(scores ? [scores] : [])]);
  }
}

/** {@link describeTfjsModel}'s black box alone. */
export function tfjsModelBlackBox(model: TfjsModel, options: TfjsModelOptions = {}): ModelBlackBox {
  return describeTfjsModel(model, options).blackBox;
}
