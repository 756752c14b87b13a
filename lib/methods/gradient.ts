/**
 * Gradient saliency (Simonyan, Vedaldi & Zisserman, "Deep Inside
 * Convolutional Networks: Visualising Image Classification Models and
 * Saliency Maps", ICLR workshop 2014), the "Grad" baseline that Dabkowski &
 * Gal (2017) compare against in §5:
 *
 *     S_ij = max_channels |∂f_c(X) / ∂X_ij|,   normalised to [0, 1] per image.
 *
 * Simonyan et al. differentiate the unnormalised class score; a black box
 * exposes only probabilities, so f_c here is the class probability. The
 * gradient of log f_c is the same map divided by f_c, which the per-image
 * normalisation removes, so either choice gives the same saliency map.
 */
import * as tf from '@tensorflow/tfjs';
import { ensureEngine } from '../engine/backend';
import type { BlackBox } from '../classifiers/black-box';
import { checkSaliencyInputs, classProbability, emptyMaps } from './inputs';
import { normaliseMaps } from './normalise';

/** Gradient saliency has no options. */
export type GradientSaliencyConfig = Record<string, never>;

/**
 * Gradient saliency maps; one forward and one backward pass of the black box
 * for the whole batch (images are independent, so the gradient of the sum of
 * the B class probabilities gives each image its own gradient).
 * @param images `[B, H, W, C]` in [0, 1], `[H, W] = blackBox.inputSize`.
 * @param classes the class per image whose probability is differentiated.
 * @returns `[B, H, W, 1]` in [0, 1] (divided by each map's maximum; `[0, H, W, 1]` for an empty batch); the caller disposes it.
 */
export async function gradientSaliency(
  blackBox: BlackBox,
  images: tf.Tensor4D,
  classes: readonly number[],
  _options: Partial<GradientSaliencyConfig> = {},
): Promise<tf.Tensor4D> {
  await ensureEngine();
  checkSaliencyInputs('gradientSaliency', blackBox, images, classes);
  if (images.shape[0] === 0) return emptyMaps(images);
  return tf.tidy(() => {
    const gradient = tf.grad((x) =>
      tf.sum(classProbability(blackBox.predict(x as tf.Tensor4D), classes)),
    )(images);
    return normaliseMaps(tf.max(tf.abs(gradient), 3, true) as tf.Tensor4D, 'max');
  });
}
