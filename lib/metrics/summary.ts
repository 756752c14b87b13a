/**
 * Summary statistics of a score distribution, for reporting the crop-metric
 * scores s(a, p) of Dabkowski & Gal (2017), "Real Time Image Saliency for
 * Black Box Classifiers", §5.1 (lower is better) beyond their mean: the
 * median and quantiles resist the heavy tail that p → 0 gives, and a
 * histogram shows the shape.
 */
import { assertNumber } from '../core/checks';

/** The arithmetic mean; NaN for no values. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length === 0 ? NaN : sum / values.length;
}

/** Options of {@link summarise}. */
export interface SummaryConfig {
  /** Quantile levels in [0, 1]; default 0.05, 0.25, 0.5, 0.75, 0.95. */
  quantiles: readonly number[];
  /** Number of equal-width histogram bins; default 20. */
  bins: number;
  /** Histogram range `[lo, hi]`; default `[min, max]` of the values. */
  range?: readonly [number, number];
}

/** The defaults of {@link SummaryConfig}. */
export const DEFAULT_SUMMARY_CONFIG: Readonly<SummaryConfig> = Object.freeze({
  quantiles: Object.freeze([0.05, 0.25, 0.5, 0.75, 0.95]),
  bins: 20,
});

/** What {@link summarise} returns (plain numbers, JSON-ready). */
export interface Summary {
  count: number;
  mean: number;
  /** Population standard deviation (divides by n). */
  std: number;
  min: number;
  max: number;
  median: number;
  /** One entry per requested level. */
  quantiles: { level: number; value: number }[];
  histogram: {
    /** `bins + 1` edges; bin k is [edges[k], edges[k+1]), the last bin also holds its upper edge. */
    edges: number[];
    counts: number[];
    /** Values outside the range, not counted in any bin. */
    outside: number;
  };
}

/**
 * The quantile at `level` of sorted values, by linear interpolation between
 * order statistics (position level·(n − 1), the common "type 7" definition).
 * @param sorted ascending, non-empty.
 */
export function quantile(sorted: readonly number[], level: number): number {
  assertNumber(level, (v) => v >= 0 && v <= 1, 'quantile level', 'in [0, 1]');
  if (sorted.length === 0) throw new Error('quantile of no values');
  const pos = level * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Mean, spread, quantiles and a histogram of a list of scores.
 * @throws on an empty list or a non-finite value (NaN, ±∞).
 */
export function summarise(values: readonly number[], config: Partial<SummaryConfig> = {}): Summary {
  const cfg: SummaryConfig = { ...DEFAULT_SUMMARY_CONFIG, ...config };
  if (values.length === 0) throw new Error('summarise needs at least one value');
  values.forEach((v, i) => assertNumber(v, () => true, `value ${i}`, 'finite'));
  assertNumber(cfg.bins, (v) => Number.isInteger(v) && v >= 1, 'bins', 'a positive integer');
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((s, v) => s + v, 0) / n;
  const std = Math.sqrt(sorted.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  const [lo, hi] = cfg.range ?? [sorted[0], sorted[n - 1]];
  if (!(hi >= lo)) throw new Error(`histogram range must have hi >= lo, got [${lo}, ${hi}]`);

  // Equal-width bins; a zero-width range puts everything in the first bin.
  const width = (hi - lo) / cfg.bins;
  const edges = Array.from({ length: cfg.bins + 1 }, (_, k) =>
    k === cfg.bins ? hi : lo + k * width,
  );
  const counts = new Array<number>(cfg.bins).fill(0);
  let outside = 0;
  for (const v of sorted) {
    if (v < lo || v > hi) outside++;
    else counts[width > 0 ? Math.min(cfg.bins - 1, Math.floor((v - lo) / width)) : 0]++;
  }
  return {
    count: n,
    mean,
    std,
    min: sorted[0],
    max: sorted[n - 1],
    median: quantile(sorted, 0.5),
    quantiles: cfg.quantiles.map((level) => ({ level, value: quantile(sorted, level) })),
    histogram: { edges, counts, outside },
  };
}
