/**
 * A masker encoder over a feature model the user gives: a TF.js model
 * (LayersModel or GraphModel) whose outputs are the feature maps, e.g. a
 * backbone cut before its classifier. Every output is a tap; their strides
 * are read from their shapes (input size over map size) and they are
 * ordered finest first, so they must be spatial maps at distinct integer
 * strides. The model is frozen: the encoder exposes no variables.
 */
import * as tf from '@tensorflow/tfjs';
import { graphModelEncoder } from './graph-model-encoder';
import { layersModelEncoder } from './layers-model-encoder';
import { ModelEncoder, ModelEncoderOptions } from './model-encoder';

/**
 * Builds the encoder. It borrows `model`'s weights: keep `model` alive while
 * the encoder is used, and dispose `model` (not the encoder) at the end.
 * @param options `taps` and `strides` do not apply (the outputs are the taps).
 * @throws naming the model and output: an output that is not a spatial map at
 *   an integer stride, two outputs at one stride; as the LayersModel and GraphModel encoders do.
 */
export function featureModelEncoder(
  model: tf.LayersModel | tf.GraphModel,
  options: Omit<ModelEncoderOptions, 'taps' | 'strides'> = {},
): ModelEncoder {
  if (model instanceof tf.GraphModel)
    return graphModelEncoder(model, { ...options, taps: model.outputNodes }, 'features');
  const taps = model.outputs.map((output) => output.sourceLayer.name);
  return layersModelEncoder(model, { ...options, taps }, 'features');
}
