/**
 * The masker's encoder (Dabkowski & Gal 2017, §4.1: a frozen pretrained
 * classifier that yields feature maps at every scale) built from the kit's
 * trained `residual` net. It taps the outputs of the layers `stage1` (the
 * stem convolution's ReLU, stride 2), `stage2`, `stage3` and `stage4` (the
 * final ReLU of each stage's last residual block, strides 4, 8, 16) in one
 * multi-output sub-model that shares the trained weights. Those weights stay
 * frozen: the encoder exposes no variables, and the masker trains only its own.
 *
 * It is the LayersModel encoder (lib/encoders/layers-model-encoder.ts) with
 * those four taps, recorded as kind `'residual'`: it takes grey images (the
 * channel repeated into RGB) and any size divisible by 16, and explains any
 * black box (the paper's ResNet-50 features explain AlexNet and GoogLeNet too).
 */
import * as tf from '@tensorflow/tfjs';
import { layersModelEncoder } from './layers-model-encoder';
import type { ModelEncoder } from './model-encoder';
import { RESIDUAL_STAGES } from '../classifiers/residual-net';

/** Options of {@link residualEncoder}. */
export interface ResidualEncoderOptions {
  /** Check inputs lie in [0, 1] (one read-back per call); default false (the masker calls it every step). */
  checkRange?: boolean;
}

/** An {@link ModelEncoder} over a trained residual net. */
export interface ResidualEncoder extends ModelEncoder {
  /** The layers whose outputs are the maps, finest first. */
  readonly tappedLayers: readonly string[];
}

/**
 * Builds the encoder from a trained `residual` LayersModel (see residual-net.ts).
 * The returned encoder borrows `model`'s weights: keep `model` alive while it is
 * used, and dispose `model` (not the encoder) at the end.
 * @throws when a `stage<k>` layer is missing or its output is not a feature map at the expected stride.
 */
export function residualEncoder(
  model: tf.LayersModel,
  options: ResidualEncoderOptions = {},
): ResidualEncoder {
  const tappedLayers = RESIDUAL_STAGES.map((s) => s.layer);
  const missing = tappedLayers.find((name) => !model.layers.some((l) => l.name === name));
  if (missing)
    throw new Error(
      `model '${model.name}' has no layer '${missing}': residualEncoder needs a net built by buildResidualNet`,
    );
  const encoder = layersModelEncoder(
    model,
    { taps: tappedLayers, checkRange: options.checkRange },
    'residual',
  );
  const strides = encoder.scales.map((s) => s.stride);
  if (strides.join() !== RESIDUAL_STAGES.map((s) => s.stride).join()) {
    throw new Error(
      `model '${model.name}': layers ${tappedLayers.join(', ')} are at strides ${strides.join(', ')}, expected ${RESIDUAL_STAGES.map((s) => s.stride).join(', ')}`,
    );
  }
  return { ...encoder, tappedLayers };
}
