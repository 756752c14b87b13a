/**
 * The masker's encoder for a black box, by kind (Dabkowski & Gal 2017, §4.1:
 * a frozen classifier's feature maps at every scale; theirs is the black
 * box's own ResNet-50 when it explains ResNet-50, and ResNet-50 for the
 * others):
 *
 * - `'own'`: the black box's own convolutional layers (a tf.LayersModel) or
 *   graph nodes (a tf.GraphModel, e.g. converted with tensorflowjs_converter);
 *   taps found automatically as the last layer/node at each stride 2…32, or named.
 * - `'residual'`: the kit's trained residual net (lib/encoders/residual-net-encoder.ts), as
 *   for the committed maskers.
 * - `'features'`: a feature model the user gives, whose outputs are the maps.
 *
 * Building a masker for a user's model, in a few lines:
 *
 * ```ts
 * const { blackBox, model } = await loadTfjsModel('my-model/');
 * const encoder = encoderFor(model, { kind: 'own', inputSize: blackBox.inputSize, preprocessing: blackBox.preprocessing });
 * const data = tensorTrainingData(images, labels);   // lib/masker/masker-training-data.ts; any size and channels
 * const { masker } = await trainMasker(blackBox, encoder, { batchSize: 4, masker: { firstUpsamplerChannels: 768, residualBlocks: 3 } }, { data });
 * await masker.save('my-masker/');                    // records the encoder: kind 'own' and its taps
 * const again = await Masker.restore(encoderFor(model, { kind: 'own', inputSize: blackBox.inputSize, preprocessing: blackBox.preprocessing }), 'my-masker/');
 * ```
 *
 * `savedEncoderRecord(dir)` (lib/masker/masker.ts) tells which encoder a saved
 * masker needs; for `'own'`, `encoderFor(model, { kind: 'own', taps: record.taps, … })`
 * rebuilds it, and `Masker.restore` refuses another (naming both).
 */
import * as tf from '@tensorflow/tfjs';
import { residualEncoder } from './residual-net-encoder';
import { modelInputs } from '../classifiers/model-signature';
import { featureModelEncoder } from './feature-model-encoder';
import { graphModelEncoder } from './graph-model-encoder';
import { layersModelEncoder } from './layers-model-encoder';
import { ModelEncoder, ModelEncoderOptions } from './model-encoder';

/** The encoder kinds. */
export type EncoderKind = 'own' | 'residual' | 'features';
export const ENCODER_KINDS: readonly EncoderKind[] = ['own', 'residual', 'features'];

/** The black box's own layers or graph nodes; options as {@link ModelEncoderOptions} (taps, strides, preprocessing, inputSize). */
export interface OwnEncoderSpec extends ModelEncoderOptions {
  kind: 'own';
}

/** The kit's residual net. */
export interface ResidualEncoderSpec {
  kind: 'residual';
  /** The trained residual net (`loadKitBlackBox('residual')`'s model, lib/masker/masker-assets.ts). */
  net: tf.LayersModel;
}

/** A feature model whose outputs are the maps; options as {@link ModelEncoderOptions} but the taps (its outputs). */
export interface FeaturesEncoderSpec extends Omit<ModelEncoderOptions, 'taps' | 'strides'> {
  kind: 'features';
  model: tf.LayersModel | tf.GraphModel;
}

/** Which encoder {@link encoderFor} builds. */
export type EncoderSpec = OwnEncoderSpec | ResidualEncoderSpec | FeaturesEncoderSpec;

/** A model's input `[H, W]` as far as it fixes them (null where open). */
function inputSizeOf(model: tf.LayersModel | tf.GraphModel): (number | null)[] {
  return (modelInputs(model)[0]?.shape ?? []).slice(1, 3);
}

/**
 * Builds the masker's encoder for the black box whose model is `blackBoxModel`.
 * The encoder borrows the weights of the model it runs (the black box's for
 * `'own'`, `spec.net` or `spec.model` otherwise): keep that model alive while
 * the encoder is used and dispose the model, not the encoder.
 * @returns a frozen encoder that records its kind and taps (saved with the masker).
 * @throws naming the model: for `'own'`, a black box that is not an image
 *   model, a named tap that does not exist or is not spatial, no spatial node
 *   at a needed stride; for every kind, an encoder that cannot take the black
 *   box's images (a fixed input size of another size, or a black-box size
 *   not divisible by the encoder's coarsest stride).
 */
export function encoderFor(
  blackBoxModel: tf.LayersModel | tf.GraphModel,
  spec: EncoderSpec,
): ModelEncoder {
  const [h, w] = inputSizeOf(blackBoxModel);
  let encoder: ModelEncoder;
  if (spec.kind === 'own') {
    encoder =
      blackBoxModel instanceof tf.GraphModel
        ? graphModelEncoder(blackBoxModel, spec)
        : layersModelEncoder(blackBoxModel, spec);
  } else if (spec.kind === 'residual') {
    encoder = residualEncoder(spec.net);
  } else if (spec.kind === 'features') {
    // A feature model of unknown input size has its strides read at the black box's.
    const [fh, fw] = inputSizeOf(spec.model);
    const inputSize = spec.inputSize ?? (!(fh && fw) && h && w ? ([h, w] as const) : undefined);
    encoder = featureModelEncoder(spec.model, { ...spec, inputSize });
  } else {
    throw new Error(
      `encoder kind must be one of ${ENCODER_KINDS.join(', ')}, got '${String((spec as { kind: unknown }).kind)}'`,
    );
  }
  if (h && w) {
    const coarsest = encoder.scales[encoder.scales.length - 1].stride;
    if (encoder.inputSize && (encoder.inputSize[0] !== h || encoder.inputSize[1] !== w)) {
      throw new Error(
        `the ${spec.kind} encoder takes ${encoder.inputSize[0]}×${encoder.inputSize[1]} images, the black box ${h}×${w}`,
      );
    }
    if (h % coarsest !== 0 || w % coarsest !== 0) {
      throw new Error(
        `the black box's ${h}×${w} images are not divisible by the ${spec.kind} encoder's coarsest stride ${coarsest}: use an input size that is a multiple of ${coarsest}`,
      );
    }
  }
  return encoder;
}
