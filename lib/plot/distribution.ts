/**
 * Distributions of a per-image score for each saliency method, e.g. the
 * crop metric s(a, p) = log(max(a, 0.05)) − log p of Dabkowski & Gal (2017)
 * (lower is better), as box plots or overlaid histograms.
 */
import type { BoxTrace, Figure, HistogramTrace } from './types';

/** `'box'`: one box per method; `'histogram'`: overlaid histograms on shared bins. */
export type DistributionKind = 'box' | 'histogram';

/** The scores of one method. */
export interface ScoreGroup {
  /** Method name (legend and axis label). */
  name: string;
  values: readonly number[];
}

/** Options of {@link distributionFigure}. */
export interface DistributionConfig {
  /** Default `'box'`. */
  kind: DistributionKind;
  /** Name of the score, for the value axis; default `'score'`. */
  metric: string;
  /** Number of shared histogram bins over the range of all values; default 30. */
  bins: number;
  /** Figure size in pixels; default 720 × 420. */
  width: number;
  height: number;
  /** Figure title; default none. */
  title?: string;
}

/** The defaults of {@link DistributionConfig}. */
export const DEFAULT_DISTRIBUTION_CONFIG: Readonly<DistributionConfig> = Object.freeze({ kind: 'box', metric: 'score', bins: 30, width: 720, height: 420 });

/**
 * Box plots (values on y, outliers shown, mean marked) or overlaid
 * histograms (values on x, opacity 0.6, all groups on the same bins from the
 * smallest to the largest value; a single value gets one bin of width 1).
 * Non-finite values are dropped.
 * @throws on an unknown kind or a bin count below 1.
 */
export function distributionFigure(groups: readonly ScoreGroup[], config: Partial<DistributionConfig> = {}): Figure {
  const cfg: DistributionConfig = { ...DEFAULT_DISTRIBUTION_CONFIG, ...config };
  const finite = groups.map((g) => ({ name: g.name, values: g.values.filter(Number.isFinite) }));
  const common = { ...(cfg.title !== undefined ? { title: { text: cfg.title } } : {}), width: cfg.width, height: cfg.height };
  if (cfg.kind === 'box') {
    const data: BoxTrace[] = finite.map((g) => ({ type: 'box', name: g.name, y: g.values, boxpoints: 'outliers', boxmean: true }));
    return { data, layout: { ...common, showlegend: false, yaxis: { title: { text: cfg.metric } } } };
  }
  if (cfg.kind === 'histogram') {
    if (!Number.isInteger(cfg.bins) || cfg.bins < 1) throw new Error(`bins must be an integer >= 1, got ${cfg.bins}`);
    const all = finite.flatMap((g) => g.values);
    const start = all.length ? Math.min(...all) : 0;
    const end = all.length ? Math.max(...all) : 1;
    const size = end > start ? (end - start) / cfg.bins : 1;
    const data: HistogramTrace[] = finite.map((g) => ({ type: 'histogram', name: g.name, x: g.values, opacity: 0.6, xbins: { start, end: end > start ? end : start + size, size } }));
    return { data, layout: { ...common, barmode: 'overlay', showlegend: true, xaxis: { title: { text: cfg.metric } }, yaxis: { title: { text: 'images' } } } };
  }
  throw new Error(`unknown distribution kind "${String(cfg.kind)}"; use box or histogram`);
}
