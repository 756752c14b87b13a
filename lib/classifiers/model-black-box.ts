/**
 * A TF.js model's forward pass as a {@link BlackBox}: checks the input,
 * converts grey and RGB images to the model's channels, applies the model's
 * preprocessing, runs it, and turns logits into probabilities when the model
 * outputs logits. Works for LayersModels and GraphModels alike (anything with
 * a tensor-in, tensor-out forward pass); `tfjsModelBlackBox` builds one from
 * a model by reading the model's signature.
 */
import * as tf from '@tensorflow/tfjs';
import { assertRange, assertShape } from '../core/checks';
import { warnOnSlowBackend } from '../engine/backend';
import { assertImagesFor, BlackBox } from './black-box';
import { channelsAcceptedBy, convertChannels } from './channel-conversion';
import {
  checkPreprocessing,
  DEFAULT_PREPROCESSING,
  InputPreprocessing,
  preprocess,
} from './input-preprocessing';

/** What the model's output holds. */
export type ModelOutputs = 'logits' | 'probabilities';

/** Options of {@link ModelBlackBox}. */
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
 * A forward function with known input size as a black box. A grey (1-channel)
 * or RGB (3-channel) model accepts both kinds of image: `predict` converts RGB
 * to grey by luminance and grey to RGB by repetition, before the
 * preprocessing, inside the differentiable pass ({@link convertChannels}).
 */
export class ModelBlackBox implements BlackBox {
  readonly name: string;
  readonly inputSize: readonly [number, number];
  readonly channels: number;
  readonly acceptedChannels: readonly number[];
  readonly classNames: readonly string[];
  readonly outputs: ModelOutputs;
  readonly preprocessing: InputPreprocessing;
  private readonly checkRange: boolean;

  /**
   * @param forward the model's forward pass (differentiable for gradients through the black box).
   * @param inputSize `[H, W]` the model takes.
   * @param channels input channels the model takes.
   * @param numClasses the model's output size.
   * @throws when `classNames` has another length than `numClasses` (naming both) or the preprocessing is invalid.
   */
  constructor(
    private readonly forward: ForwardFn,
    inputSize: readonly [number, number],
    channels: number,
    numClasses: number,
    options: ModelBlackBoxOptions = {},
  ) {
    this.name = options.name ?? 'model';
    this.inputSize = [inputSize[0], inputSize[1]];
    this.channels = channels;
    this.acceptedChannels = channelsAcceptedBy(channels);
    this.outputs = options.outputs ?? 'probabilities';
    if (this.outputs !== 'logits' && this.outputs !== 'probabilities') {
      throw new Error(`outputs must be 'logits' or 'probabilities', got '${String(this.outputs)}'`);
    }
    this.preprocessing = options.preprocessing ?? DEFAULT_PREPROCESSING;
    checkPreprocessing(this.preprocessing, channels);
    this.checkRange = options.checkRange ?? true;
    if (options.classNames && options.classNames.length !== numClasses) {
      throw new Error(
        `${this.name}: ${options.classNames.length} class names were given but the model outputs ${numClasses} classes`,
      );
    }
    this.classNames = options.classNames
      ? [...options.classNames]
      : Array.from({ length: numClasses }, (_, i) => `class${i}`);
  }

  /**
   * What the model itself reads for `images`: checked, converted to the model's channels, preprocessed.
   * @param images `[B, H, W, C]` in [0, 1], `[H, W] = inputSize`, C one of `acceptedChannels`.
   * @returns `[B, H, W, channels]`, a new tensor; the caller disposes it. Differentiable in `images`.
   * @throws naming the expected and actual shape or range.
   */
  modelInput(images: tf.Tensor4D): tf.Tensor4D {
    assertImagesFor(this, images, `${this.name} input images`);
    if (this.checkRange) assertRange(images, 0, 1, `${this.name} input images`);
    return tf.tidy(() => {
      const converted = convertChannels(images, this.channels);
      const input = preprocess(converted, this.preprocessing);
      return input === images ? tf.clone(images) : input;
    });
  }

  /**
   * Class probabilities from the model's output: softmax for logits, as they are for probabilities.
   * @param output `[B, classes]`, the model's output for B images.
   * @param batch B.
   * @returns `[B, classes]`, a new tensor; the caller disposes it. Differentiable in `output`.
   * @throws naming the shape when `output` is not `[B, classes]`.
   */
  probabilitiesFrom(output: tf.Tensor, batch: number): tf.Tensor2D {
    assertShape(output, [batch, this.classNames.length], `${this.name} output`);
    return (this.outputs === 'logits' ? tf.softmax(output) : tf.clone(output)) as tf.Tensor2D;
  }

  /**
   * Class probabilities.
   * @param images `[B, H, W, C]` in [0, 1] with `[H, W] = inputSize`, C one of `acceptedChannels`.
   * @returns `[B, classes]`, rows summing to 1; the caller disposes it. Differentiable in `images`.
   * @throws naming the expected and actual shape or range.
   */
  predict(images: tf.Tensor4D): tf.Tensor2D {
    warnOnSlowBackend();
    return tf.tidy(() =>
      this.probabilitiesFrom(this.forward(this.modelInput(images)), images.shape[0]),
    );
  }
}
