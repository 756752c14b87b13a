/**
 * A TF.js model as a {@link BlackBox}: checks the input, applies the model's
 * preprocessing, runs it, and turns logits into probabilities when the model
 * outputs logits. Works for LayersModels and GraphModels alike (anything with
 * a tensor-in, tensor-out `predict`/`execute`).
 */
import * as tf from '@tensorflow/tfjs';
import { assertRange, assertShape } from '../checks';
import { BlackBox } from './black-box';
import { checkPreprocessing, DEFAULT_PREPROCESSING, InputPreprocessing, preprocess } from './input-preprocessing';

/** What the model's output holds. */
export type ModelOutputs = 'logits' | 'probabilities';

/** Options of {@link LayersBlackBox} (and of the loader). */
export interface ModelBlackBoxOptions {
  /** Name for logs; default `'model'`. */
  name?: string;
  /** Class names; default `class0..class{N-1}` from the model's output size. */
  classNames?: readonly string[];
  /** Whether the model outputs logits (softmax applied here) or probabilities; default `'probabilities'`. */
  outputs?: ModelOutputs;
  /** Mapping from [0, 1] images to the model's input; default {@link DEFAULT_PREPROCESSING} (identity). */
  preprocessing?: InputPreprocessing;
  /** Check every input lies in [0, 1] (one small read-back per call); default true. */
  checkRange?: boolean;
}

/** A model's forward pass: `[B, H, W, C]` → `[B, classes]`. */
export type ForwardFn = (x: tf.Tensor4D) => tf.Tensor;

/**
 * Wraps a forward function with known input size into the BlackBox interface.
 * Use {@link layersBlackBox} for a tf.LayersModel, or the loader for files.
 */
export class LayersBlackBox implements BlackBox {
  readonly name: string;
  readonly inputSize: readonly [number, number];
  readonly channels: number;
  readonly classNames: readonly string[];
  readonly outputs: ModelOutputs;
  readonly preprocessing: InputPreprocessing;
  private readonly checkRange: boolean;

  /**
   * @param forward the model's forward pass (differentiable for gradients through the black box).
   * @param inputSize `[H, W]` the model takes.
   * @param channels input channels.
   * @param numClasses the model's output size.
   * @throws when `classNames` has another length than `numClasses` (naming both) or the preprocessing is invalid.
   */
  constructor(private readonly forward: ForwardFn, inputSize: readonly [number, number], channels: number, numClasses: number, options: ModelBlackBoxOptions = {}) {
    this.name = options.name ?? 'model';
    this.inputSize = [inputSize[0], inputSize[1]];
    this.channels = channels;
    this.outputs = options.outputs ?? 'probabilities';
    if (this.outputs !== 'logits' && this.outputs !== 'probabilities') {
      throw new Error(`outputs must be 'logits' or 'probabilities', got '${String(this.outputs)}'`);
    }
    this.preprocessing = options.preprocessing ?? DEFAULT_PREPROCESSING;
    checkPreprocessing(this.preprocessing, channels);
    this.checkRange = options.checkRange ?? true;
    if (options.classNames && options.classNames.length !== numClasses) {
      throw new Error(`${this.name}: ${options.classNames.length} class names were given but the model outputs ${numClasses} classes`);
    }
    this.classNames = options.classNames ? [...options.classNames] : Array.from({ length: numClasses }, (_, i) => `class${i}`);
  }

  /**
   * Class probabilities.
   * @param images `[B, H, W, C]` in [0, 1] with `[H, W] = inputSize`, `C = channels`.
   * @returns `[B, classes]`, rows summing to 1; the caller disposes it. Differentiable in `images`.
   * @throws naming the expected and actual shape or range.
   */
  predict(images: tf.Tensor4D): tf.Tensor2D {
    const [h, w] = this.inputSize;
    assertShape(images, [null, h, w, this.channels], `${this.name} input images`);
    if (this.checkRange) assertRange(images, 0, 1, `${this.name} input images`);
    return tf.tidy(() => {
      const out = this.forward(preprocess(images, this.preprocessing));
      assertShape(out, [images.shape[0], this.classNames.length], `${this.name} output`);
      return (this.outputs === 'logits' ? tf.softmax(out) : out) as tf.Tensor2D;
    });
  }
}

/**
 * A LayersModel with one `[B, H, W, C]` input and one `[B, classes]` output as a black box.
 * The model stays the caller's (dispose it when done).
 * @throws when the model's input is not `[null, H, W, C]` or its output not `[null, classes]`, naming the shapes.
 */
export function layersBlackBox(model: tf.LayersModel, options: ModelBlackBoxOptions = {}): LayersBlackBox {
  const name = options.name ?? model.name;
  const input = model.inputs[0]?.shape;
  if (model.inputs.length !== 1 || input.length !== 4 || input.slice(1).some((d) => d === null)) {
    throw new Error(`${name}: a black box needs one image input [batch, H, W, C] with known H, W, C; got ${model.inputs.map((i) => `[${i.shape.join(', ')}]`).join(', ')}`);
  }
  const output = model.outputs[0]?.shape;
  if (model.outputs.length !== 1 || output.length !== 2 || output[1] === null) {
    throw new Error(`${name}: a black box needs one output [batch, classes]; got ${model.outputs.map((o) => `[${o.shape.join(', ')}]`).join(', ')}`);
  }
  return new LayersBlackBox((x) => model.apply(x) as tf.Tensor, [input[1] as number, input[2] as number], input[3] as number, output[1], { ...options, name });
}
