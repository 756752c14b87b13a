/**
 * The part every model-backed masker encoder shares: checking and fitting the
 * images (channels, size), the model's input preprocessing, then running the
 * model to its taps. The encoder kinds (lib/encoders/encoder-for.ts) differ
 * only in how they find the taps and run the model.
 *
 * Images reach the encoder as the masker gets them: `[B, H, W, C]` in [0, 1].
 * Grey images on an RGB model have their channel repeated (and RGB images on
 * a grey model are reduced to luma; lib/classifiers/channel-conversion.ts). A
 * GraphModel with a fixed input size takes only that size; other models (a
 * LayersModel's convolutions, a GraphModel whose input has unknown height
 * and width) take any H and W divisible by the coarsest stride.
 */
import * as tf from '@tensorflow/tfjs';
import { assertRange, assertRank } from '../core/checks';
import { channelsAcceptedBy, convertChannels } from '../classifiers/channel-conversion';
import type { Encoder, EncoderRecord } from '../masker/masker';
import {
  checkPreprocessing,
  DEFAULT_PREPROCESSING,
  InputPreprocessing,
  preprocess,
} from '../classifiers/input-preprocessing';
import type { Tap, TapOptions } from './tap-selection';

/** Options of the encoders over a model's own layers or nodes (and over a feature model). */
export interface ModelEncoderOptions extends TapOptions {
  /** The model's name in messages; default a LayersModel's own name, `'graph model'` for a GraphModel. */
  name?: string;
  /** Mapping from [0, 1] images to the model's input (the black box's own); default the identity. */
  preprocessing?: InputPreprocessing;
  /** `[H, W]` at which to find the strides when the model's input size is open (required then); must agree with a fixed one (lib/classifiers/model-signature.ts). */
  inputSize?: readonly [number, number];
  /** Check that images lie in [0, 1] (one read-back per call); default false (the masker checks its images). */
  checkRange?: boolean;
}

/** What {@link modelEncoder} is built from. */
export interface ModelEncoderParts {
  /** The model's name, for messages. */
  name: string;
  /** The taps, finest first. */
  taps: readonly Tap[];
  /** Channels the model takes. */
  channels: number;
  /** `[H, W]` the model takes when fixed; null when any multiple of the coarsest stride goes. */
  inputSize: readonly [number, number] | null;
  /** Runs the model on preprocessed images, returning the tapped maps in tap order (tensors the caller disposes). */
  run(images: tf.Tensor4D): tf.Tensor4D[];
  /** Saved with the masker. */
  record: EncoderRecord;
  /** Mapping from [0, 1] images to the model's input; default the identity. */
  preprocessing?: InputPreprocessing;
  /** As {@link ModelEncoderOptions.checkRange}. */
  checkRange?: boolean;
}

/** An {@link Encoder} over a model, with what it takes. */
export interface ModelEncoder extends Encoder {
  readonly record: EncoderRecord;
  /** Channels of the model (images with 1 or 3 channels are fitted to it). */
  readonly channels: number;
  /** `[H, W]` when the encoder takes only that size (a GraphModel with a fixed input), else null. */
  readonly inputSize: readonly [number, number] | null;
}

/**
 * Builds the encoder. It borrows the model's weights: keep the model alive
 * while the encoder is used, and dispose the model (not the encoder) at the end.
 * @throws when the preprocessing does not fit the model's channels.
 */
export function modelEncoder(parts: ModelEncoderParts): ModelEncoder {
  const { name, taps, channels, inputSize, run, record } = parts;
  const preprocessing = parts.preprocessing ?? DEFAULT_PREPROCESSING;
  checkPreprocessing(preprocessing, channels);
  const coarsest = taps[taps.length - 1].stride;
  return {
    scales: taps.map(({ stride, channels: c }) => ({ stride, channels: c })),
    record,
    channels,
    inputSize,
    encode(images: tf.Tensor4D): tf.Tensor4D[] {
      const what = `encoder '${name}' images`;
      assertRank(images, 4, what);
      const [, h, w] = images.shape;
      const shape = `[${images.shape.join(', ')}]`;
      if (inputSize && (h !== inputSize[0] || w !== inputSize[1])) {
        throw new Error(
          `${what} ${shape}: the model takes ${inputSize[0]}×${inputSize[1]} images only (its fixed input size)`,
        );
      }
      if (h % coarsest !== 0 || w % coarsest !== 0)
        throw new Error(
          `${what} ${shape} must have H and W divisible by its coarsest stride ${coarsest}`,
        );
      if (parts.checkRange) assertRange(images, 0, 1, what);
      if (!channelsAcceptedBy(channels).includes(images.shape[3])) {
        throw new Error(
          `${what} ${shape} have ${images.shape[3]} channels; the model takes ${channelsAcceptedBy(channels).join(' or ')}`,
        );
      }
      return tf.tidy(() => run(preprocess(convertChannels(images, channels), preprocessing)));
    },
  };
}
