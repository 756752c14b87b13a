/**
 * A list of per-image values as a mean or a rate with its 95 % interval
 * half-width (lib/metrics/uncertainty.ts), the form the side experiments and
 * the literature's measures report their numbers in.
 */
import { meanHalfWidth95, proportionHalfWidth95 } from './uncertainty';

/** A mean with its 95 % interval half-width (NaN for one value). */
export interface MeanInterval {
  mean: number;
  halfWidth95: number;
}

/** A rate with its 95 % Agresti–Coull half-width and the number of trials. */
export interface RateInterval {
  rate: number;
  halfWidth95: number;
  images: number;
}

/**
 * The mean of `values` and the normal 95 % half-width.
 * @throws on an empty list.
 */
export function meanInterval(values: readonly number[]): MeanInterval {
  const n = values.length;
  if (n === 0) throw new Error('meanInterval of no values');
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  return { mean, halfWidth95: meanHalfWidth95(std, n) };
}

/**
 * The share of true flags and its Agresti–Coull 95 % half-width.
 * @throws on an empty list.
 */
export function rateInterval(flags: readonly boolean[]): RateInterval {
  if (flags.length === 0) throw new Error('rateInterval of no flags');
  const rate = flags.filter(Boolean).length / flags.length;
  return { rate, halfWidth95: proportionHalfWidth95(rate, flags.length), images: flags.length };
}
