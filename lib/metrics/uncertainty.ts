/**
 * 95 % interval half-widths for the evaluation's headline numbers, so that a
 * table says which differences between methods its image counts can resolve:
 * the slow methods (iterative masks, RISE, occlusion) are scored on tens of
 * images, the fast ones on a thousand.
 */
import { assertNumber } from '../core/checks';

/** The standard normal's two-sided 95 % quantile. */
export const Z95 = 1.959964;

/**
 * Half-width of the 95 % Agresti–Coull interval of a proportion: centred on
 * (x + 2) / (n + 4) for x = rate·n successes, it is never 0 and stays sane for
 * the small counts (16–40 images) of the slow methods.
 * @param rate observed proportion in [0, 1].
 * @param n number of trials ≥ 1.
 */
export function proportionHalfWidth95(rate: number, n: number): number {
  assertNumber(rate, (v) => v >= 0 && v <= 1, 'rate', 'in [0, 1]');
  assertNumber(n, (v) => Number.isInteger(v) && v >= 1, 'n', 'an integer >= 1');
  const centre = (rate * n + 2) / (n + 4);
  return Z95 * Math.sqrt((centre * (1 - centre)) / (n + 4));
}

/**
 * Half-width of the normal 95 % interval of a mean, Z95 · s / √n, with s the
 * sample standard deviation recovered from the population one.
 * @param populationStd standard deviation with divisor n (as `summarise` reports it).
 * @param n number of values ≥ 2 (a single value has no spread to report: NaN).
 */
export function meanHalfWidth95(populationStd: number, n: number): number {
  assertNumber(populationStd, (v) => v >= 0, 'populationStd', '>= 0');
  assertNumber(n, (v) => Number.isInteger(v) && v >= 1, 'n', 'an integer >= 1');
  if (n < 2) return NaN;
  return (Z95 * populationStd * Math.sqrt(n / (n - 1))) / Math.sqrt(n);
}
