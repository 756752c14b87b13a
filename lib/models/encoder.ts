/**
 * The masker's encoder (Dabkowski & Gal 2017, §4.1: a frozen pretrained
 * classifier that yields feature maps at every scale) built from the kit's
 * trained `residual` net. It taps the outputs of the layers `stage1` (the
 * stem convolution's ReLU, stride 2), `stage2`, `stage3` and `stage4` (the
 * final ReLU of each stage's last residual block, strides 4, 8, 16) in one
 * multi-output sub-model that shares the trained weights. Those weights stay
 * frozen: the encoder exposes no variables, and the masker trains only its own.
 */
import * as tf from '@tensorflow/tfjs';
import { assertRange, assertShape } from '../checks';
import type { Encoder, EncoderScale } from '../masker/masker';
import { RESIDUAL_STAGES } from './residual-net';

/** Options of {@link residualEncoder}. */
export interface ResidualEncoderOptions {
  /** Check inputs lie in [0, 1] (one read-back per call); default false (the masker calls it every step). */
  checkRange?: boolean;
}

/** An {@link Encoder} over a trained residual net. */
export interface ResidualEncoder extends Encoder {
  /** The layers whose outputs are the maps, finest first. */
  readonly tappedLayers: readonly string[];
}

/**
 * Builds the encoder from a trained `residual` LayersModel (see residual-net.ts).
 * The returned encoder borrows `model`'s weights: keep `model` alive while it is
 * used, and dispose `model` (not the encoder) at the end.
 * @throws when a `stage<k>` layer is missing or its output is not a feature map at the expected stride.
 */
export function residualEncoder(model: tf.LayersModel, options: ResidualEncoderOptions = {}): ResidualEncoder {
  const input = model.inputs[0];
  const [, h, w, c] = input.shape as number[];
  const outputs = RESIDUAL_STAGES.map((stage) => {
    let layer: tf.layers.Layer;
    try {
      layer = model.getLayer(stage.layer);
    } catch {
      throw new Error(`model '${model.name}' has no layer '${stage.layer}': residualEncoder needs a net built by buildResidualNet`);
    }
    const output = layer.output as tf.SymbolicTensor;
    const [batch, oh, ow, channels] = output.shape;
    if (output.shape.length !== 4 || batch !== null || oh !== h / stage.stride || ow !== w / stage.stride || !(channels! > 0)) {
      throw new Error(`layer '${stage.layer}' outputs [${output.shape.join(', ')}], expected [batch, ${h / stage.stride}, ${w / stage.stride}, channels]`);
    }
    return output;
  });
  const tapped = tf.model({ name: `${model.name}-encoder`, inputs: input, outputs });
  // Channels come from the saved net itself, so nets saved with other stage widths still load.
  const scales: EncoderScale[] = RESIDUAL_STAGES.map(({ stride }, s) => ({ stride, channels: outputs[s].shape[3] as number }));
  return {
    scales,
    tappedLayers: RESIDUAL_STAGES.map((s) => s.layer),
    encode(images: tf.Tensor4D): tf.Tensor4D[] {
      assertShape(images, [null, h, w, c], 'encoder images');
      if (options.checkRange) assertRange(images, 0, 1, 'encoder images');
      return tapped.apply(images) as tf.Tensor4D[];
    },
  };
}
