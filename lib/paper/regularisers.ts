/**
 * The mask regularisers of Dabkowski & Gal (2017), "Real Time Image Saliency
 * for Black Box Classifiers", §4:
 *
 *     TV(M) = Σ_ij (M_ij − M_i,j+1)² + Σ_ij (M_ij − M_i+1,j)²     (smoothness)
 *     AV(M) = mean_ij M_ij                                        (area)
 *
 * Normalisation. The paper prints λ1 = 10 for TV and λ2 = 10⁻³ for AV without
 * saying whether TV is summed or averaged. The kit's default divides TV by the
 * number of difference terms, h(w − 1) + (h − 1)w, so TV, like AV, is a
 * per-pixel mean that lies in [0, 1] whatever the mask size. A plain sum counts
 * pixels: the TV of a blob's edge grows with the edge length in pixels (∝ h),
 * so the same λ1 weighs smoothness 2× harder when the mask side doubles, and a
 * printed λ1 only fits one mask size. The mean removes the pixel count, which
 * is what lets the printed λ's be read independently of the resolution the
 * mask is optimised at. It does not remove the geometry: a sharp edge's share
 * of the pixels still shrinks ∝ 1/h, and a smooth ramp's squared steps ∝ 1/h²,
 * so λ1 tuned at one resolution is a starting point at another, not a law.
 * `normalisation: 'sum'` gives the paper's formula as printed.
 */
import * as tf from '@tensorflow/tfjs';
import { RangeCheckOption, assertRange, assertShape } from '../core/checks';

/** How TV is normalised: `'mean'` over the difference terms (kit default) or the plain `'sum'`. */
export type TvNormalisation = 'mean' | 'sum';

/** Options of {@link totalVariation}. */
export interface TotalVariationConfig {
  /** Default `'mean'` (see the file comment for why). */
  normalisation: TvNormalisation;
}

/** The defaults of {@link TotalVariationConfig}. */
export const DEFAULT_TOTAL_VARIATION_CONFIG: Readonly<TotalVariationConfig> = Object.freeze({
  normalisation: 'mean',
});

/** Throws unless `masks` is `[B, h, w, 1]` with h, w ≥ 1 and values in [0, 1] (the range only with `checkRange`, default true). */
function checkMasks(masks: tf.Tensor4D, fn: string, options: RangeCheckOption): void {
  assertShape(masks, [null, null, null, 1], `${fn}: masks`);
  if (masks.shape[1] === 0 || masks.shape[2] === 0)
    throw new Error(`${fn}: masks [${masks.shape.join(', ')}] have no pixel; h and w must be >= 1`);
  if (options.checkRange ?? true)
    assertRange(masks, 0, 1, `${fn}: masks [${masks.shape.join(', ')}]`);
}

/**
 * Squared total variation of each mask, TV(M) above.
 * @param masks `[B, h, w, 1]` in [0, 1].
 * @param config the normalisation, plus `checkRange` (default true: check the
 *   mask values, one small read-back; the objective, which checked them already, skips it).
 * @returns `[B]`; the caller disposes it. Differentiable. A 1×1 mask has TV 0; an empty batch gives `[0]`.
 * @throws on a mask that is not `[B, h, w, 1]`, a value that is NaN or outside [0, 1], or an unknown normalisation.
 */
export function totalVariation(
  masks: tf.Tensor4D,
  config: Partial<TotalVariationConfig> & RangeCheckOption = {},
): tf.Tensor1D {
  const { normalisation, ...checks } = { ...DEFAULT_TOTAL_VARIATION_CONFIG, ...config };
  if (normalisation !== 'mean' && normalisation !== 'sum')
    throw new Error(
      `totalVariation: unknown normalisation "${String(normalisation)}"; use mean or sum`,
    );
  checkMasks(masks, 'totalVariation', checks);
  const [b, h, w] = masks.shape;
  const terms = h * (w - 1) + (h - 1) * w;
  if (terms === 0) return tf.zeros([b]);
  return tf.tidy(() => {
    // Differences along columns (j, j+1) and along rows (i, i+1); an empty slice sums to 0.
    const across = tf.squaredDifference(
      tf.slice(masks, [0, 0, 0, 0], [b, h, w - 1, 1]),
      tf.slice(masks, [0, 0, 1, 0], [b, h, w - 1, 1]),
    );
    const down = tf.squaredDifference(
      tf.slice(masks, [0, 0, 0, 0], [b, h - 1, w, 1]),
      tf.slice(masks, [0, 1, 0, 0], [b, h - 1, w, 1]),
    );
    const sum = tf.add(tf.sum(across, [1, 2, 3]), tf.sum(down, [1, 2, 3])) as tf.Tensor1D;
    return normalisation === 'mean' ? tf.div(sum, terms) : sum;
  });
}

/**
 * Area of each mask, AV(M) = mean of M over its pixels.
 * @param masks `[B, h, w, 1]` in [0, 1].
 * @param options `checkRange` (default true: check the mask values, one small
 *   read-back; the objective, which checked them already, skips it).
 * @returns `[B]`; the caller disposes it. Differentiable. An empty batch gives `[0]`.
 * @throws on a mask that is not `[B, h, w, 1]` or a value that is NaN or outside [0, 1].
 */
export function averageArea(masks: tf.Tensor4D, options: RangeCheckOption = {}): tf.Tensor1D {
  checkMasks(masks, 'averageArea', options);
  return tf.mean(masks, [1, 2, 3]);
}
