/**
 * A {@link WhiteBox} over a TF.js LayersModel, so that Grad-CAM (Selvaraju et
 * al., ICCV 2017) can explain the kit's own black boxes in the evaluation of
 * Dabkowski & Gal (2017), "Real Time Image Saliency for Black Box
 * Classifiers", and a user's LayersModel. The model is cut at one layer L:
 *
 *     features(x)             = output of L for the model's input of x   (a sub-model sharing the weights)
 *     predictFromFeatures(A)  = the layers after L run on A              (eagerly, in topological order)
 *
 * The model's input of x is what its black box feeds it (channels converted,
 * preprocessed), and the output goes through the black box's softmax when it
 * holds logits, so `predictFromFeatures(features(x))` equals `predict(x)`.
 *
 * The cut must separate the graph: every layer after L may read only L's
 * output or the outputs of other layers after L. For the kit's nets the
 * default layer (the last layer with a 4-D output that is not a pooling
 * layer) is such a cut: `conv4` (plain), `inception_d/concat` (inception),
 * `stage4` (residual). GraphModels have their own white box (graph-white-box.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelBlackBox } from './model-black-box';
import type { WhiteBox } from './white-box';

/** Options of {@link layersWhiteBox}. */
export interface LayersWhiteBoxConfig {
  /** Name of the layer whose output is A; default: see {@link defaultFeatureLayer}. */
  featureLayer?: string;
  /** The output the black box explains (an output layer's name); default the model's only output. */
  output?: string;
}

/** Layer class names that pool rather than compute features; skipped by {@link defaultFeatureLayer}. */
const POOLING = /pool/i;

/**
 * The last layer with a 4-D output `[B, h, w, K]` that is not a pooling layer,
 * the usual Grad-CAM choice (the last convolutional feature map).
 * @throws when the model has no such layer.
 */
export function defaultFeatureLayer(model: tf.LayersModel): string {
  const candidates = model.layers.filter((l) => {
    const shape = l.outputShape as (number | null)[];
    return (
      Array.isArray(shape) &&
      shape.length === 4 &&
      !Array.isArray(shape[0]) &&
      !POOLING.test(l.getClassName())
    );
  });
  const last = candidates[candidates.length - 1];
  if (!last)
    throw new Error(`model '${model.name}' has no layer with a 4-D output to open for Grad-CAM`);
  return last.name;
}

/** The symbolic tensors a layer reads, as a list. */
function layerInputs(layer: tf.layers.Layer): tf.SymbolicTensor[] {
  const input = layer.input as tf.SymbolicTensor | tf.SymbolicTensor[];
  return Array.isArray(input) ? input : [input];
}

/**
 * Opens `model` at one layer.
 * @param model the LayersModel behind `blackBox`; it stays the caller's: keep it
 *   alive while the white box is used and dispose it afterwards (the white box owns nothing).
 * @param blackBox the model as a black box (e.g. from `loadTfjsModel` or
 *   `tfjsModelBlackBox`), used for `predict`, its input conversion and
 *   preprocessing, its output kind, name, input size and class names.
 * @throws when `model` is a GraphModel (naming `graphWhiteBox`), has several
 *   outputs and `config.output` names none of them, or the layer is missing,
 *   used more than once, or does not cut the graph.
 */
export function layersWhiteBox(
  model: tf.LayersModel,
  blackBox: ModelBlackBox,
  config: LayersWhiteBoxConfig = {},
): WhiteBox {
  if (!(model instanceof tf.LayersModel)) {
    throw new Error(
      `${blackBox.name}: layersWhiteBox opens a LayersModel; for a GraphModel use graphWhiteBox (lib/classifiers/graph-white-box.ts) or modelWhiteBox`,
    );
  }
  const outputIndex = config.output === undefined ? 0 : model.outputNames.indexOf(config.output);
  if (config.output === undefined && model.outputs.length !== 1) {
    throw new Error(
      `'${model.name}' has ${model.outputs.length} outputs (${model.outputNames.join(', ')}); name the one the black box explains (output)`,
    );
  }
  if (outputIndex < 0)
    throw new Error(
      `'${model.name}' has no output '${config.output}'; its outputs: ${model.outputNames.join(', ')}`,
    );
  const output = model.outputs[outputIndex] as tf.SymbolicTensor;
  const layerName = config.featureLayer ?? defaultFeatureLayer(model);
  const cut = model.getLayer(layerName);
  if (cut.inboundNodes.length !== 1)
    throw new Error(
      `layer '${layerName}' of '${model.name}' is used ${cut.inboundNodes.length} times; a white box needs a layer used once`,
    );
  const featureModel = tf.model({
    name: `${model.name}-features-${layerName}`,
    inputs: model.inputs,
    outputs: cut.output as tf.SymbolicTensor,
  });

  // Layers after the cut that the output needs, checked once: each must read only the cut's output or later layers.
  const needed = new Set<tf.layers.Layer>();
  const pending = [output.sourceLayer as tf.layers.Layer];
  while (pending.length > 0) {
    const layer = pending.pop() as tf.layers.Layer;
    if (needed.has(layer) || layer === cut) continue;
    needed.add(layer);
    if (layer.inboundNodes.length > 0)
      pending.push(...layerInputs(layer).map((t) => t.sourceLayer as tf.layers.Layer));
  }
  const layers = model.layers;
  const tail = layers.slice(layers.indexOf(cut) + 1).filter((l) => needed.has(l));
  const known = new Set<number>([(cut.output as tf.SymbolicTensor).id]);
  for (const layer of tail) {
    if (layer.inboundNodes.length !== 1)
      throw new Error(
        `layer '${layer.name}' of '${model.name}' is used more than once; cannot open the model at '${layerName}'`,
      );
    const missing = layerInputs(layer).find((t) => !known.has(t.id));
    if (missing)
      throw new Error(
        `layer '${layer.name}' reads '${missing.name}', which does not come from '${layerName}': '${layerName}' does not cut '${model.name}'`,
      );
    known.add((layer.output as tf.SymbolicTensor).id);
  }
  const outputId = output.id;
  if (!known.has(outputId))
    throw new Error(`the output of '${model.name}' does not depend on '${layerName}'`);

  return {
    name: blackBox.name,
    inputSize: blackBox.inputSize,
    channels: blackBox.channels,
    acceptedChannels: blackBox.acceptedChannels,
    classNames: blackBox.classNames,
    predict: (images) => blackBox.predict(images),
    features: (images) =>
      tf.tidy(() => featureModel.apply(blackBox.modelInput(images)) as tf.Tensor4D),
    predictFromFeatures: (features) =>
      tf.tidy(() => {
        // Run the tail eagerly, keyed by the symbolic tensor each value stands for.
        const values = new Map<number, tf.Tensor>([
          [(cut.output as tf.SymbolicTensor).id, features],
        ]);
        for (const layer of tail) {
          const inputs = layerInputs(layer).map((t) => values.get(t.id) as tf.Tensor);
          values.set(
            (layer.output as tf.SymbolicTensor).id,
            layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.Tensor,
          );
        }
        return blackBox.probabilitiesFrom(values.get(outputId) as tf.Tensor, features.shape[0]);
      }),
  };
}
