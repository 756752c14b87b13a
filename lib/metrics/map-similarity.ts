/**
 * How alike two saliency maps of the same image are, the two measures of the
 * sanity checks of Adebayo et al. (2018), "Sanity Checks for Saliency Maps":
 *
 * - Spearman's rank correlation of the pixel values (ties get their mean
 *   rank): 1 when the maps order the pixels the same way. A map that is
 *   constant over the image orders nothing, and Pearson's formula would
 *   divide by 0: two constant maps are reported as ρ = 1 (neither orders the
 *   pixels, so nothing changed), one constant map against a varying one as
 *   ρ = 0 (no shared ordering); both cases are flagged.
 * - SSIM, the structural similarity of Wang et al. (2004), computed by the
 *   `ssim.js` package with the original algorithm (11×11 Gaussian window,
 *   σ = 1.5, k1 = 0.01, k2 = 0.03, no downsampling) on the maps as 8-bit
 *   grey images, as Adebayo et al. compare maps scaled to [0, 1].
 *
 * Maps are compared as given: the kit's methods return maps in [0, 1].
 */
import * as tf from '@tensorflow/tfjs';
import { ssim } from 'ssim.js';
import { assertFinite, assertRange, assertShape } from '../core/checks';

/** Mean ranks (1-based) of `values`, ties sharing the mean of their ranks. */
export function meanRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const rank = (start + end + 1) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/** Spearman's rank correlation, with the constant-map convention of the file comment. */
export interface RankCorrelation {
  /** ρ in [−1, 1]; 1 when both maps are constant, 0 when one is. */
  rho: number;
  /** True when either map is constant (ρ is then the convention's 1 or 0). */
  constant: boolean;
}

/**
 * Spearman's rank correlation of two equally long value lists.
 * @throws when the lengths differ, are under 2, or a value is not finite.
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): RankCorrelation {
  if (a.length !== b.length || a.length < 2)
    throw new Error(
      `spearman: needs two lists of the same length >= 2, got ${a.length} and ${b.length}`,
    );
  for (const [list, name] of [
    [a, 'a'],
    [b, 'b'],
  ] as const)
    for (let i = 0; i < list.length; i++)
      if (!Number.isFinite(list[i]))
        throw new Error(`spearman: ${name}[${i}] must be finite, got ${list[i]}`);
  const ra = meanRanks(a);
  const rb = meanRanks(b);
  const n = a.length;
  const mean = (n + 1) / 2;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (ra[i] - mean) * (rb[i] - mean);
    va += (ra[i] - mean) ** 2;
    vb += (rb[i] - mean) ** 2;
  }
  if (va === 0 && vb === 0) return { rho: 1, constant: true };
  if (va === 0 || vb === 0) return { rho: 0, constant: true };
  return { rho: cov / Math.sqrt(va * vb), constant: false };
}

/** A map in [0, 1] as the 8-bit grey RGBA image `ssim.js` reads. */
function greyImage(values: ArrayLike<number>, height: number, width: number) {
  const data = new Uint8ClampedArray(height * width * 4);
  for (let p = 0; p < height * width; p++) {
    const v = Math.round(values[p] * 255);
    data.set([v, v, v, 255], p * 4);
  }
  return { data, height, width };
}

/**
 * SSIM of two maps in [0, 1] (see the file comment).
 * @param a one map's `height·width` values, row-major; `b` likewise.
 * @returns the mean SSIM, in [−1, 1]; 1 for identical maps.
 * @throws when a list's length is not `height·width` or the maps are smaller than the 11×11 window.
 */
export function mapSsim(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  height: number,
  width: number,
): number {
  if (a.length !== height * width || b.length !== height * width)
    throw new Error(
      `mapSsim: maps of ${a.length} and ${b.length} values for ${height}×${width} = ${height * width}`,
    );
  if (height < 11 || width < 11)
    throw new Error(`mapSsim: maps ${height}×${width} are smaller than the 11×11 window`);
  return ssim(greyImage(a, height, width), greyImage(b, height, width), {
    ssim: 'original',
    downsample: false,
    rgb2grayVersion: 'original',
  }).mssim;
}

/** Per-image similarity of two batches of maps (plain numbers). */
export interface MapSimilarity {
  /** Spearman's ρ per image. */
  spearman: number[];
  /** True where either map is constant (ρ by the convention of the file comment). */
  constant: boolean[];
  /** SSIM per image. */
  ssim: number[];
}

/**
 * Compares maps of the same images pairwise.
 * @param a `[B, H, W, 1]` in [0, 1] (not disposed); `b` the same shape.
 * @returns B values of each measure; empty arrays for an empty batch.
 * @throws naming the argument on shapes that disagree or values outside [0, 1].
 */
export function mapSimilarity(a: tf.Tensor4D, b: tf.Tensor4D): MapSimilarity {
  assertShape(a, [null, null, null, 1], 'mapSimilarity: a');
  assertShape(b, [...a.shape], 'mapSimilarity: b (the shape of a)');
  assertFinite(a, 'mapSimilarity: a');
  assertRange(a, 0, 1, `mapSimilarity: a [${a.shape.join(', ')}]`);
  assertRange(b, 0, 1, `mapSimilarity: b [${b.shape.join(', ')}]`);
  const [n, h, w] = a.shape;
  const va = a.dataSync();
  const vb = b.dataSync();
  const out: MapSimilarity = { spearman: [], constant: [], ssim: [] };
  for (let i = 0; i < n; i++) {
    const ma = va.subarray(i * h * w, (i + 1) * h * w);
    const mb = vb.subarray(i * h * w, (i + 1) * h * w);
    const r = spearman(ma, mb);
    out.spearman.push(r.rho);
    out.constant.push(r.constant);
    out.ssim.push(mapSsim(ma, mb, h, w));
  }
  return out;
}
