/**
 * What a TF.js model says about its inputs and outputs: names and shapes,
 * from a LayersModel's symbolic tensors, or from a GraphModel's placeholders
 * and, where they leave a shape out, the signature in its model.json. The
 * kit reads the image input's size and channels from here, so a user need
 * not declare them; a declaration only overrides what the model leaves open
 * and must agree with what it fixes.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/user-error';

/** A TF.js model of either format. */
export type TfjsModel = tf.LayersModel | tf.GraphModel;

/** An input or output: its name and shape, batch first, `null` where the model leaves a size open; no shape when the model does not state one. */
export interface TensorSignature {
  name: string;
  shape?: (number | null)[];
}

/** The image input the kit feeds: its name, `[H, W]` and channels. */
export interface ImageInput {
  name: string;
  inputSize: [number, number];
  channels: number;
}

/** What a user may declare about the input; each overrides only what the model leaves open. */
export interface DeclaredInput {
  inputSize?: readonly [number, number];
  channels?: number;
}

/** Channel counts the kit takes without a declaration: grey and RGB. */
const IMAGE_CHANNELS: readonly number[] = [1, 3];

/** `[?, 8, 8, 3]`, for messages. */
export function formatShape(shape: readonly (number | null)[] | undefined): string {
  return shape === undefined
    ? '[unknown shape]'
    : `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** A shape with -1 (TensorFlow's unknown size) as null. */
function openSizes(shape: readonly number[] | undefined): (number | null)[] | undefined {
  return shape?.map((d) => (d < 0 ? null : d));
}

/** The shape a GraphModel's signature (model.json `signature`) gives the tensor `name`, if any. */
function signatureShape(
  model: tf.GraphModel,
  side: 'inputs' | 'outputs',
  name: string,
): (number | null)[] | undefined {
  type Entry = {
    name?: string;
    tensorShape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
  };
  const entries = Object.values(
    ((model.modelSignature ?? {}) as Record<string, Record<string, Entry> | undefined>)[side] ?? {},
  );
  const entry = entries.find((e) => e.name === name || e.name === `${name}:0`);
  if (!entry?.tensorShape?.dim || entry.tensorShape.unknownRank) return undefined;
  return openSizes(entry.tensorShape.dim.map((d) => Number(d.size ?? -1)));
}

/** The model's inputs, in order. */
export function modelInputs(model: TfjsModel): TensorSignature[] {
  if (model instanceof tf.GraphModel) {
    return model.inputs.map((i) => ({
      name: i.name,
      shape: openSizes(i.shape) ?? signatureShape(model, 'inputs', i.name),
    }));
  }
  return model.inputs.map((t, i) => ({ name: model.inputNames[i], shape: [...t.shape] }));
}

/** The model's outputs, in order (a GraphModel rarely states their shapes: run it to learn them). */
export function modelOutputs(model: TfjsModel): TensorSignature[] {
  if (model instanceof tf.GraphModel) {
    return model.outputs.map((o) => ({
      name: o.name,
      shape: openSizes(o.shape) ?? signatureShape(model, 'outputs', o.name),
    }));
  }
  return model.outputs.map((t, i) => ({ name: model.outputNames[i], shape: [...t.shape] }));
}

/** `'input' [?, 8, 8, 3]`, for messages. */
export function describeTensor(t: TensorSignature): string {
  return `'${t.name}' ${formatShape(t.shape)}`;
}

/** One size of the input: the model's when it fixes it (a declaration must agree), else the declared one. */
function resolveSize(
  fixed: number | null | undefined,
  declared: number | undefined,
  what: string,
  flag: string,
  input: TensorSignature,
): number {
  if (fixed !== null && fixed !== undefined) {
    if (declared !== undefined && declared !== fixed) {
      throw new UserError(
        `${what} ${declared} was declared, but the model's input ${describeTensor(input)} fixes it at ${fixed}; drop ${flag} or give ${fixed}`,
      );
    }
    return fixed;
  }
  if (declared === undefined)
    throw new UserError(
      `the model's input ${describeTensor(input)} leaves the ${what} open; declare it (${flag})`,
    );
  return declared;
}

/**
 * The image input of `model`, with sizes from the model and declarations
 * filling what it leaves open.
 * @throws a {@link UserError} naming the input and its shape when the model has
 *   not exactly one input; when the input is not an image (rank ≠ 4); when a
 *   declaration contradicts a size the model fixes; when a size is open and not
 *   declared; when the channels are neither 1 nor 3 and not declared.
 */
export function imageInput(model: TfjsModel, declared: DeclaredInput = {}): ImageInput {
  const inputs = modelInputs(model);
  if (inputs.length !== 1) {
    throw new UserError(
      `the kit explains models with one image input; this one has ${inputs.length}: ${inputs.map(describeTensor).join(', ')}`,
    );
  }
  const input = inputs[0];
  const shape = input.shape;
  if (shape !== undefined && shape.length !== 4) {
    throw new UserError(
      `the model's input ${describeTensor(input)} is not an image: the kit explains image classifiers whose input is [batch, height, width, channels]`,
    );
  }
  const [h, w] = declared.inputSize ?? [undefined, undefined];
  const height = resolveSize(shape?.[1], h, 'input height', '--input-size / inputSize', input);
  const width = resolveSize(shape?.[2], w, 'input width', '--input-size / inputSize', input);
  const channels = resolveSize(
    shape?.[3],
    declared.channels,
    'input channels',
    '--channels / channels',
    input,
  );
  for (const [size, what] of [
    [height, 'input height'],
    [width, 'input width'],
    [channels, 'input channels'],
  ] as const) {
    if (!(Number.isInteger(size) && size >= 1))
      throw new UserError(`${what} must be an integer >= 1, got ${size}`);
  }
  if (!IMAGE_CHANNELS.includes(channels) && declared.channels !== channels) {
    throw new UserError(
      `the model's input ${describeTensor(input)} takes ${channels} channels; the kit takes grey (1) and RGB (3) images ` +
        `without a declaration: declare channels ${channels} (--channels ${channels}) to feed ${channels}-channel images as they are`,
    );
  }
  return { name: input.name, inputSize: [height, width], channels };
}
