/**
 * A white box: a black box that also opens one convolutional layer, for
 * methods that need a network's internals, such as Grad-CAM (Selvaraju et
 * al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based
 * Localization", ICCV 2017). Dabkowski & Gal (2017) stress that their masking
 * model needs only a black box; white-box baselines are here for comparison.
 *
 * The network is split at the layer into two functions instead of one
 * `predictWithFeatures(images) → {probs, features}`: TensorFlow.js
 * differentiates a function only with respect to its own inputs, so the
 * gradient ∂f_c/∂A with respect to the activations A needs the part of the
 * network that starts at A as a function of A.
 *
 * Implementations: `layersWhiteBox` (a LayersModel cut at a layer),
 * `graphWhiteBox` (a GraphModel cut at a node, its rest run from A by the
 * graph executor), and `modelWhiteBox`, which picks one for a loaded model.
 */
import * as tf from '@tensorflow/tfjs';
import type { BlackBox } from './black-box';

export interface WhiteBox extends BlackBox {
  /**
   * Activations A of the opened layer.
   * @param images `[B, H, W, C]` in [0, 1], as for `predict`.
   * @returns `[B, h, w, K]`; the caller disposes it.
   */
  features(images: tf.Tensor4D): tf.Tensor4D;
  /**
   * The rest of the network: class probabilities from the activations A, so
   * that `predict(x)` equals `predictFromFeatures(features(x))`.
   * @param features `[B, h, w, K]` as returned by `features`.
   * @returns `[B, classes]`; the caller disposes it. Differentiable with respect to `features`.
   */
  predictFromFeatures(features: tf.Tensor4D): tf.Tensor2D;
}

/** True when a black box also implements {@link WhiteBox}. */
export function isWhiteBox(blackBox: BlackBox): blackBox is WhiteBox {
  const box = blackBox as Partial<WhiteBox>;
  return typeof box.features === 'function' && typeof box.predictFromFeatures === 'function';
}
