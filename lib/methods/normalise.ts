/**
 * Per-image normalisation of saliency maps to [0, 1], so that maps of
 * different methods (gradients, probability drops, weighted activations) can
 * be thresholded, plotted and scored the same way.
 */
import * as tf from '@tensorflow/tfjs';
import { assertFinite, assertShape } from '../core/checks';

/**
 * How a raw map is brought to [0, 1], per image:
 * - `'max'`: negative values are cut to 0, then the map is divided by its
 *   maximum (for scores whose zero means "no evidence": |gradients|,
 *   probability drops, Grad-CAM's ReLU map);
 * - `'min-max'`: (x − min) / (max − min) (for scores with an arbitrary floor,
 *   such as RISE's expected probability).
 * A map with nothing to scale (all values ≤ 0 for `'max'`, constant for
 * `'min-max'`) becomes all zeros.
 */
export type MapNormalisation = 'max' | 'min-max';

/**
 * Normalises each map of a batch to [0, 1].
 * @param maps `[B, H, W, 1]`, any finite values (not disposed).
 * @returns `[B, H, W, 1]` in [0, 1]; the caller disposes it. An empty batch gives `[0, H, W, 1]`.
 * @throws on a map that is not `[B, H, W, 1]`, holds a NaN or ±Infinity (a
 *   black box whose gradient or probability is not finite, say), or an unknown normalisation.
 */
export function normaliseMaps(maps: tf.Tensor4D, normalisation: MapNormalisation): tf.Tensor4D {
  assertShape(maps, [null, null, null, 1], 'normaliseMaps: saliency maps');
  if (normalisation !== 'max' && normalisation !== 'min-max')
    throw new Error(
      `normaliseMaps: unknown normalisation "${String(normalisation)}"; use max or min-max`,
    );
  assertFinite(maps, `normaliseMaps: saliency maps [${maps.shape.join(', ')}]`);
  return tf.tidy(() => {
    const shifted =
      normalisation === 'max' ? tf.relu(maps) : tf.sub(maps, tf.min(maps, [1, 2, 3], true));
    // divNoNan turns the 0/0 of an all-zero map into zeros.
    return tf.divNoNan(shifted, tf.max(shifted, [1, 2, 3], true)) as tf.Tensor4D;
  });
}
