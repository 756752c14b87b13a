/**
 * A masker encoder over a tf.LayersModel's own layers (Dabkowski & Gal 2017,
 * §4.1: the black box's own convolutional layers, frozen). The taps are
 * layers, found automatically as the last layer at each stride 2…32 or
 * named (lib/encoders/tap-selection.ts); one multi-output sub-model from the
 * model's input to the taps shares the model's weights. The encoder exposes
 * no variables, so the masker trains only its own.
 *
 * Strides are read from the layers' static output shapes when the model's
 * input size is fixed, otherwise from one probe of a zero image at
 * `inputSize`. The sub-model's convolutions take other input sizes too: the
 * encoder takes any H and W divisible by its coarsest stride (the masker
 * checks every map's shape).
 */
import * as tf from '@tensorflow/tfjs';
import type { EncoderRecord } from '../masker/masker';
import { imageInput } from '../classifiers/model-signature';
import { ModelEncoder, modelEncoder, ModelEncoderOptions } from './model-encoder';
import { NodeOutput, selectTaps } from './tap-selection';

/** A layer's single output, or null for a layer with several outputs or several inbound nodes (a shared layer). */
function singleOutput(layer: tf.layers.Layer): tf.SymbolicTensor | null {
  try {
    const output = layer.output;
    return Array.isArray(output) ? null : output;
  } catch {
    return null;
  }
}

/**
 * Builds the encoder. It borrows `model`'s weights: keep `model` alive while
 * the encoder is used, and dispose `model` (not the encoder) at the end.
 * @param kind recorded with the masker: `'own'` (default), `'residual'` or `'features'` for the encoders built on this one.
 * @throws as lib/classifiers/model-signature.ts's `imageInput` (not one image
 *   input; an open size without `inputSize`, or one contradicting a fixed
 *   size); naming the model, the tap selection's errors (a missing or
 *   non-spatial named tap, no spatial layer at a needed stride).
 */
export function layersModelEncoder(
  model: tf.LayersModel,
  options: ModelEncoderOptions = {},
  kind: EncoderRecord['kind'] = 'own',
): ModelEncoder {
  const name = options.name ?? model.name;
  const { inputSize: size, channels } = imageInput(model, { inputSize: options.inputSize });
  const input = model.inputs[0];
  const layers = model.layers.map((layer) => ({
    name: layer.name,
    inputs: layer.inboundNodes.flatMap((node) => node.inboundLayers.map((l) => l.name)),
    output: singleOutput(layer),
  }));

  // 1. Every layer's output shape: static, or probed at `size` when the model's input size is free.
  let nodes: NodeOutput[] = layers.map(({ name, inputs, output }) => ({
    name,
    inputs,
    shape: output ? output.shape.slice(1).map((d) => d ?? -1) : null,
  }));
  if (input.shape[1] === null || input.shape[2] === null) {
    const spatial = layers.filter(({ output }) => output !== input && output?.shape.length === 4);
    const probe = tf.model({
      inputs: input,
      outputs: spatial.map(({ output }) => output as tf.SymbolicTensor),
    });
    const shapes = tf.tidy(() =>
      [probe.predict(tf.zeros([1, ...size, channels]))]
        .flat()
        .map((t) => (t as tf.Tensor).shape.slice(1)),
    );
    const probed = new Map(spatial.map(({ name }, i) => [name, shapes[i]]));
    nodes = nodes.map((n) => ({ ...n, shape: probed.get(n.name) ?? n.shape }));
  }

  // 2. The taps and the sub-model that outputs them.
  const taps = selectTaps(
    name,
    nodes,
    model.outputs.map((o) => o.sourceLayer.name),
    size,
    options,
  );
  const outputs = taps.map((t) => singleOutput(model.getLayer(t.name)) as tf.SymbolicTensor);
  const tapped = tf.model({ name: `${model.name}-encoder`, inputs: input, outputs });
  return modelEncoder({
    name,
    taps,
    channels,
    inputSize: null,
    run: (x) => [tapped.apply(x) as tf.Tensor4D | tf.Tensor4D[]].flat(),
    record: { kind, taps: taps.map((t) => t.name) },
    preprocessing: options.preprocessing,
    checkRange: options.checkRange,
  });
}
