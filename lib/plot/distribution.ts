/**
 * Distributions of a per-image score for each saliency method, e.g. the
 * crop metric s(a, p) = log(max(a, 0.05)) − log p of Dabkowski & Gal (2017)
 * (lower is better): box plots or overlaid histograms of raw values, or box
 * plots drawn from stored quantiles when only a summary was kept.
 */
import type { BoxTrace, Figure, HistogramTrace } from './types';
import { frameLayout } from './frame';

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
export const DEFAULT_DISTRIBUTION_CONFIG: Readonly<DistributionConfig> = Object.freeze({
  kind: 'box',
  metric: 'score',
  bins: 30,
  width: 720,
  height: 420,
});

/**
 * Box plots (values on y, outliers shown, mean marked) or overlaid
 * histograms (values on x, opacity 0.6, all groups on the same bins from the
 * smallest to the largest value; a single value gets one bin of width 1).
 * Non-finite values are dropped.
 * @throws on an unknown kind or a bin count below 1.
 */
export function distributionFigure(
  groups: readonly ScoreGroup[],
  config: Partial<DistributionConfig> = {},
): Figure {
  const cfg: DistributionConfig = { ...DEFAULT_DISTRIBUTION_CONFIG, ...config };
  const finite = groups.map((g) => ({ name: g.name, values: g.values.filter(Number.isFinite) }));
  const common = frameLayout(cfg);
  if (cfg.kind === 'box') {
    const data: BoxTrace[] = finite.map((g) => ({
      type: 'box',
      name: g.name,
      y: g.values,
      boxpoints: 'outliers',
      boxmean: true,
    }));
    return {
      data,
      layout: { ...common, showlegend: false, yaxis: { title: { text: cfg.metric } } },
    };
  }
  if (cfg.kind === 'histogram') {
    if (!Number.isInteger(cfg.bins) || cfg.bins < 1)
      throw new Error(`bins must be an integer >= 1, got ${cfg.bins}`);
    const all = finite.flatMap((g) => g.values);
    const start = all.length ? Math.min(...all) : 0;
    const end = all.length ? Math.max(...all) : 1;
    const size = end > start ? (end - start) / cfg.bins : 1;
    const data: HistogramTrace[] = finite.map((g) => ({
      type: 'histogram',
      name: g.name,
      x: g.values,
      opacity: 0.6,
      xbins: { start, end: end > start ? end : start + size, size },
    }));
    return {
      data,
      layout: {
        ...common,
        barmode: 'overlay',
        showlegend: true,
        xaxis: { title: { text: cfg.metric } },
        yaxis: { title: { text: 'images' } },
      },
    };
  }
  throw new Error(`unknown distribution kind "${String(cfg.kind)}"; use box or histogram`);
}

/** A distribution known by its quantiles: one box at `category`, coloured by `group`. */
export interface QuantileBox {
  /** Position along x (e.g. the method). */
  category: string;
  /** Colour and legend entry (e.g. the black box). */
  group: string;
  /** Whisker ends, e.g. the 5% and 95% quantiles. */
  lowerFence: number;
  upperFence: number;
  q1: number;
  median: number;
  q3: number;
  /** Drawn as a dashed line when given. */
  mean?: number;
}

/** Options of {@link quantileBoxFigure}. */
export interface QuantileBoxConfig {
  /** Name of the score, for the value axis; default `'score'`. */
  metric: string;
  /** What the whiskers span, appended to the axis title; default `'whiskers 5–95%'`. */
  whiskers: string;
  /** Figure size in pixels; default 760 × 440. */
  width: number;
  height: number;
  /** Figure title; default none. */
  title?: string;
}

/** The defaults of {@link QuantileBoxConfig}. */
export const DEFAULT_QUANTILE_BOX_CONFIG: Readonly<QuantileBoxConfig> = Object.freeze({
  metric: 'score',
  whiskers: 'whiskers 5–95%',
  width: 760,
  height: 440,
});

/**
 * Box plots from stored quantiles: one `box` trace per group (in order of
 * first appearance) holding a box per category of that group, `boxmode: 'group'`.
 */
export function quantileBoxFigure(
  boxes: readonly QuantileBox[],
  config: Partial<QuantileBoxConfig> = {},
): Figure {
  const cfg: QuantileBoxConfig = { ...DEFAULT_QUANTILE_BOX_CONFIG, ...config };
  const groups = [...new Set(boxes.map((b) => b.group))];
  const data: BoxTrace[] = groups.map((group) => {
    const mine = boxes.filter((b) => b.group === group);
    const trace: BoxTrace = {
      type: 'box',
      name: group,
      x: mine.map((b) => b.category),
      lowerfence: mine.map((b) => b.lowerFence),
      q1: mine.map((b) => b.q1),
      median: mine.map((b) => b.median),
      q3: mine.map((b) => b.q3),
      upperfence: mine.map((b) => b.upperFence),
    };
    if (mine.every((b) => b.mean !== undefined)) trace.mean = mine.map((b) => b.mean as number);
    return trace;
  });
  return {
    data,
    layout: {
      ...frameLayout(cfg),
      boxmode: 'group',
      showlegend: true,
      xaxis: { type: 'category' },
      yaxis: { title: { text: `${cfg.metric} (${cfg.whiskers})` } },
    },
  };
}

/** A stored summary of a score: its mean and quantiles (e.g. `Summary` of lib/metrics/summary.ts). */
export interface QuantileSummary {
  mean: number;
  quantiles: readonly { level: number; value: number }[];
}

/** The quantile levels a box is drawn from: whiskers, quartiles, median. */
const BOX_LEVELS = Object.freeze({
  lowerFence: 0.05,
  q1: 0.25,
  median: 0.5,
  q3: 0.75,
  upperFence: 0.95,
});

/**
 * The box of a stored summary: whiskers at its 5% and 95% quantiles,
 * quartiles, median, and its mean.
 * @throws naming the level when the summary lacks one of 0.05, 0.25, 0.5, 0.75, 0.95.
 */
export function quantileBoxFromSummary(
  category: string,
  group: string,
  summary: QuantileSummary,
): QuantileBox {
  const at = (level: number) => {
    const found = summary.quantiles.find((q) => Math.abs(q.level - level) < 1e-9);
    if (!found)
      throw new Error(
        `summary of "${category}" (${group}) has no ${level} quantile; it has ${summary.quantiles.map((q) => q.level).join(', ') || 'none'}`,
      );
    return found.value;
  };
  return {
    category,
    group,
    lowerFence: at(BOX_LEVELS.lowerFence),
    q1: at(BOX_LEVELS.q1),
    median: at(BOX_LEVELS.median),
    q3: at(BOX_LEVELS.q3),
    upperFence: at(BOX_LEVELS.upperFence),
    mean: summary.mean,
  };
}
