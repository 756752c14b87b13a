/**
 * A loaded model (lib/classifiers/load-tfjs-model.ts) as a {@link WhiteBox}, for
 * Grad-CAM, whatever its format: a LayersModel cut at a layer
 * (layers-white-box.ts), a GraphModel cut at a node (graph-white-box.ts),
 * both at the last spatial feature map unless one is named.
 */
import * as tf from '@tensorflow/tfjs';
import type { LoadedTfjsModel } from './load-tfjs-model';
import type { WhiteBox } from './white-box';
import { graphWhiteBox } from './graph-white-box';
import { layersWhiteBox } from './layers-white-box';

/** Options of {@link modelWhiteBox}. */
export interface ModelWhiteBoxConfig {
  /** The layer (LayersModel) or node (GraphModel) whose output is Grad-CAM's feature map; default the last spatial one that cuts the model. */
  feature?: string;
}

/**
 * Opens a loaded model for Grad-CAM at its explained output.
 * @returns a white box over `loaded.model`, which stays the caller's (`loaded.dispose()` when done).
 * @throws naming the layer or node when it does not cut the model.
 */
export async function modelWhiteBox(
  loaded: LoadedTfjsModel,
  config: ModelWhiteBoxConfig = {},
): Promise<WhiteBox> {
  const { model, blackBox, output } = loaded;
  if (model instanceof tf.GraphModel)
    return graphWhiteBox(model, blackBox, { featureNode: config.feature, output: output.name });
  return layersWhiteBox(model, blackBox, { featureLayer: config.feature, output: output.name });
}
