/**
 * What the kit's black-box architectures share: input and output conventions,
 * the build options, and the names of the layers other code relies on.
 *
 * Every net takes `[B, H, W, 3]` images in [0, 1] and ends with a dense layer
 * named {@link LOGITS_LAYER} followed by a softmax layer named
 * {@link PROBABILITIES_LAYER}, which is the model's output: a saved net is a
 * standard TF.js LayersModel that outputs probabilities, while training reads
 * the logits (numerically safer cross-entropy) from the same weights.
 */
import * as tf from '@tensorflow/tfjs';

/** The three architectures, after the roles of the paper's black boxes (AlexNet, GoogLeNet, ResNet-50). */
export type ArchitectureName = 'plain' | 'inception' | 'residual';
/** All architecture names, in the order experiments run them (the slowest to train first). */
export const ARCHITECTURE_NAMES: readonly ArchitectureName[] = ['residual', 'inception', 'plain'];

/** Build options shared by every architecture. */
export interface ArchitectureConfig {
  /** Input `[H, W]`; default {@link DEFAULT_INPUT_SIZE} (64×64). Must be divisible by 16. */
  inputSize: readonly [number, number];
  /** Input channels; default 3. */
  channels: number;
  /** Output classes; default 10. */
  numClasses: number;
  /** Seed of the weight initialisation; default 0. */
  seed: number;
}

/** Default input size: the Cluttered Fashion-MNIST canvas. */
export const DEFAULT_INPUT_SIZE: readonly [number, number] = [64, 64];
/** Defaults of {@link ArchitectureConfig}. */
export const DEFAULT_ARCHITECTURE_CONFIG: Readonly<ArchitectureConfig> = Object.freeze({
  inputSize: DEFAULT_INPUT_SIZE,
  channels: 3,
  numClasses: 10,
  seed: 0,
});

/** Name of the dense layer whose output is the logits `[B, classes]`. */
export const LOGITS_LAYER = 'logits';
/** Name of the softmax layer whose output (the model's output) is `[B, classes]` probabilities. */
export const PROBABILITIES_LAYER = 'probabilities';
/** Name of the input layer. */
export const INPUT_LAYER = 'image';

/** Fills in defaults and checks sizes; throws naming the bad field. */
export function resolveArchitectureConfig(config: Partial<ArchitectureConfig>): ArchitectureConfig {
  const resolved = { ...DEFAULT_ARCHITECTURE_CONFIG, ...config };
  const [h, w] = resolved.inputSize;
  if (!(
    Number.isInteger(h) &&
    Number.isInteger(w) &&
    h % 16 === 0 &&
    w % 16 === 0 &&
    h > 0 &&
    w > 0
  )) {
    throw new Error(
      `inputSize must be positive integers divisible by 16 (four halvings), got [${h}, ${w}]`,
    );
  }
  if (!(Number.isInteger(resolved.channels) && resolved.channels >= 1))
    throw new Error(`channels must be an integer >= 1, got ${resolved.channels}`);
  if (!(Number.isInteger(resolved.numClasses) && resolved.numClasses >= 2))
    throw new Error(`numClasses must be an integer >= 2, got ${resolved.numClasses}`);
  return resolved;
}

/** The model's symbolic input for a resolved configuration. */
export function imageInput(config: ArchitectureConfig): tf.SymbolicTensor {
  return tf.input({
    name: INPUT_LAYER,
    shape: [config.inputSize[0], config.inputSize[1], config.channels],
  });
}

/**
 * Closes a net: the logits dense layer, then the softmax output, then the model.
 * @param features `[B, F]` pooled features.
 */
export function classifierHead(
  name: string,
  input: tf.SymbolicTensor,
  features: tf.SymbolicTensor,
  logitsLayer: tf.layers.Layer,
): tf.LayersModel {
  const logits = logitsLayer.apply(features) as tf.SymbolicTensor;
  const probabilities = tf.layers
    .softmax({ name: PROBABILITIES_LAYER })
    .apply(logits) as tf.SymbolicTensor;
  return tf.model({ name, inputs: input, outputs: probabilities });
}

/**
 * The same weights with the logits as output (for training).
 * @returns a model sharing every variable with `model`; disposing it would free them too, so do not.
 */
export function logitsModel(model: tf.LayersModel): tf.LayersModel {
  return tf.model({
    name: `${model.name}-logits`,
    inputs: model.inputs,
    outputs: model.getLayer(LOGITS_LAYER).output as tf.SymbolicTensor,
  });
}
