/**
 * Histograms already binned (the `histogram` of a `Summary`,
 * lib/metrics/summary.ts, as results files store them) drawn as step
 * outlines, one per group, as the share of each group's values per bin, so
 * groups of different sizes (a slow method's 32 images, a fast one's 1,000)
 * compare on one axis.
 */
import { frameLayout } from './frame';
import type { Figure, ScatterTrace } from './types';

/** One group's binned values. */
export interface StoredHistogram {
  name: string;
  /** `bins + 1` increasing edges. */
  edges: readonly number[];
  /** `bins` counts. */
  counts: readonly number[];
}

/** Options of {@link storedHistogramFigure}. */
export interface StoredHistogramConfig {
  /** Name of the binned value, for the x axis. */
  metric: string;
  /** Figure size in pixels; default 720 × 400. */
  width: number;
  height: number;
  title?: string;
}

/**
 * Step outlines of binned histograms, y = share of the group's values in the bin.
 * @throws naming the group whose edges and counts disagree in length.
 */
export function storedHistogramFigure(
  groups: readonly StoredHistogram[],
  config: Pick<StoredHistogramConfig, 'metric'> & Partial<StoredHistogramConfig>,
): Figure {
  const cfg: StoredHistogramConfig = { width: 720, height: 400, ...config };
  const data: ScatterTrace[] = groups.map((g) => {
    if (g.edges.length !== g.counts.length + 1)
      throw new Error(
        `storedHistogramFigure: '${g.name}' has ${g.edges.length} edges for ${g.counts.length} bins (want bins + 1)`,
      );
    const total = g.counts.reduce((s, c) => s + c, 0) || 1;
    const x: number[] = [];
    const y: number[] = [];
    g.counts.forEach((c, k) => {
      x.push(g.edges[k], g.edges[k + 1]);
      y.push(c / total, c / total);
    });
    return { type: 'scatter', mode: 'lines', name: g.name, x, y };
  });
  return {
    data,
    layout: {
      ...frameLayout(cfg),
      showlegend: true,
      xaxis: { title: { text: cfg.metric } },
      yaxis: { title: { text: 'share of images' } },
    },
  };
}
