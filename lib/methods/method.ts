/**
 * The one signature every saliency method of the kit shares (DESIGN.md §4),
 * and a registry of the methods by name, so that an evaluation can loop over
 * them. The methods are the baselines Dabkowski & Gal (2017), "Real Time
 * Image Saliency for Black Box Classifiers", compare their masking model with,
 * plus common black- and white-box saliency methods.
 */
import * as tf from '@tensorflow/tfjs';
import type { BlackBox } from '../classifiers/black-box';
import { CentreBoxConfig, centreBox } from './centre-box';
import { GradCamConfig, gradCam } from './grad-cam';
import { GradientSaliencyConfig, gradientSaliency } from './gradient';
import { IterativeMaskConfig, iterativeMask } from './iterative-mask';
import { MaskerSaliencyConfig, maskerSaliency } from './masker-method';
import { MaxBoxConfig, maxBox } from './max-box';
import { OcclusionConfig, occlusion } from './occlusion';
import { RiseConfig, rise } from './rise';

/**
 * A saliency method: masks for a batch of images, one class per image.
 *
 * @param blackBox the classifier explained (white-box methods require a `WhiteBox`).
 * @param images `[B, H, W, C]` in [0, 1], `[H, W] = blackBox.inputSize`, C one of the channel counts the black box takes (`acceptedChannels`); not disposed.
 * @param classes B class indices, one per image.
 * @param options the method's keyword options; each missing one takes its documented default.
 * @returns a promise of masks `[B, H, W, 1]` in [0, 1]; the caller disposes them.
 * @throws (rejects) on bad input: shapes that disagree with the black box,
 *   values outside [0, 1], a class index out of range, invalid options.
 */
export type SaliencyMethod<O> = (
  blackBox: BlackBox,
  images: tf.Tensor4D,
  classes: readonly number[],
  options?: Partial<O>,
) => Promise<tf.Tensor4D>;

/** The registered method names. */
export type SaliencyMethodName =
  | 'max-box'
  | 'centre-box'
  | 'gradient'
  | 'occlusion'
  | 'rise'
  | 'grad-cam'
  | 'iterative-mask'
  | 'masker';

/** The options type of each registered method. */
export interface SaliencyMethodOptions {
  'max-box': MaxBoxConfig;
  'centre-box': CentreBoxConfig;
  gradient: GradientSaliencyConfig;
  occlusion: OcclusionConfig;
  rise: RiseConfig;
  'grad-cam': GradCamConfig;
  'iterative-mask': IterativeMaskConfig;
  masker: MaskerSaliencyConfig;
}

/**
 * Every method of `lib/methods/` by name. `grad-cam` needs a `WhiteBox`; the others any black box.
 * `masker` needs a masker trained for that black box (by default loaded from `results/maskers/<name>/`).
 */
export const SALIENCY_METHODS: {
  readonly [K in SaliencyMethodName]: SaliencyMethod<SaliencyMethodOptions[K]>;
} = Object.freeze({
  'max-box': maxBox,
  'centre-box': centreBox,
  gradient: gradientSaliency,
  occlusion,
  rise,
  'grad-cam': gradCam,
  'iterative-mask': iterativeMask,
  masker: maskerSaliency,
});

/** The names of {@link SALIENCY_METHODS}, in registry order. */
export const SALIENCY_METHOD_NAMES = Object.keys(SALIENCY_METHODS) as SaliencyMethodName[];
