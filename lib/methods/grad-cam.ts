/**
 * Grad-CAM (Selvaraju et al., "Grad-CAM: Visual Explanations from Deep
 * Networks via Gradient-based Localization", ICCV 2017), a white-box baseline
 * for Dabkowski & Gal (2017), "Real Time Image Saliency for Black Box
 * Classifiers". With A the activations of a convolutional layer,
 *
 *     α_k = mean_ij ∂f_c / ∂A_ijk,     S = ReLU(Σ_k α_k A_k),
 *
 * upsampled bilinearly to the image size and divided by its maximum per
 * image. Selvaraju et al. differentiate the unnormalised class score; a
 * {@link WhiteBox} exposes probabilities, so f_c is the class probability
 * here (the softmax couples the classes, so this can differ from the score's
 * map, unlike the log-probability, which only rescales it).
 */
import * as tf from '@tensorflow/tfjs';
import { ensureEngine } from '../engine/backend';
import { upsampleMask } from '../paper/evidence';
import type { BlackBox } from '../classifiers/black-box';
import { checkSaliencyInputs, classProbability, emptyMaps } from './inputs';
import { normaliseMaps } from './normalise';
import { isWhiteBox } from '../classifiers/white-box';

/** Grad-CAM has no options. */
export type GradCamConfig = Record<string, never>;

/**
 * Grad-CAM maps; one forward and one backward pass of the network's head for the batch.
 * @param blackBox a {@link WhiteBox} (typed as a black box so that every
 *   method shares one signature): `modelWhiteBox(loaded)` opens any loaded
 *   LayersModel or GraphModel.
 * @param images `[B, H, W, C]` in [0, 1], `[H, W] = blackBox.inputSize`.
 * @param classes the class per image.
 * @returns `[B, H, W, 1]` in [0, 1] (`[0, H, W, 1]` for an empty batch); the caller disposes it.
 * @throws when `blackBox` is not a white box.
 */
export async function gradCam(
  blackBox: BlackBox,
  images: tf.Tensor4D,
  classes: readonly number[],
  _options: Partial<GradCamConfig> = {},
): Promise<tf.Tensor4D> {
  if (!isWhiteBox(blackBox)) {
    throw new Error(
      `gradCam: Grad-CAM needs a white box (features and predictFromFeatures); "${blackBox.name}" is only a black box: ` +
        'open a loaded model with modelWhiteBox(loaded) (LayersModel or GraphModel)',
    );
  }
  await ensureEngine();
  checkSaliencyInputs('gradCam', blackBox, images, classes);
  if (images.shape[0] === 0) return emptyMaps(images);
  const [, h, w] = images.shape;
  return tf.tidy(() => {
    // 1. Activations A, [B, h, w, K], and ∂f_c/∂A.
    const features = blackBox.features(images);
    const gradient = tf.grad((a) =>
      tf.sum(classProbability(blackBox.predictFromFeatures(a as tf.Tensor4D), classes)),
    )(features);
    // 2. Channel weights α, [B, 1, 1, K]; map ReLU(Σ_k α_k A_k), [B, h, w, 1].
    const weights = tf.mean(gradient, [1, 2], true);
    const map = tf.relu(tf.sum(tf.mul(weights, features), 3, true)) as tf.Tensor4D;
    // 3. Image size, [0, 1].
    return normaliseMaps(upsampleMask(map, [h, w]), 'max');
  });
}
