/**
 * Curves over steps: the loss of an iterative mask over its iterations, the
 * training loss of a masker or black box over steps or epochs, one line per series.
 */
import type { Figure, ScatterTrace } from './types';
import { frameLayout } from './frame';

/** One curve. */
export interface LineSeries {
  /** Legend name. */
  name: string;
  /** The values, one per step. */
  y: readonly number[];
  /** Step of each value; default 0, 1, 2, …. */
  x?: readonly number[];
}

/** Options of {@link lineChartFigure}. */
export interface LineChartConfig {
  /** Default `'iteration'`. */
  xTitle: string;
  /** Default `'loss'`. */
  yTitle: string;
  /** Logarithmic y axis; default false. */
  logY: boolean;
  /** A marker at every point (for curves of a few points); default false. */
  markers: boolean;
  /** Figure size in pixels; default 720 × 400. */
  width: number;
  height: number;
  /** Figure title; default none. */
  title?: string;
}

/** The defaults of {@link LineChartConfig}. */
export const DEFAULT_LINE_CHART_CONFIG: Readonly<LineChartConfig> = Object.freeze({
  xTitle: 'iteration',
  yTitle: 'loss',
  logY: false,
  markers: false,
  width: 720,
  height: 400,
});

/**
 * One `scatter` trace in `'lines'` mode per series.
 * @throws when a series' `x` and `y` differ in length.
 */
export function lineChartFigure(
  series: readonly LineSeries[],
  config: Partial<LineChartConfig> = {},
): Figure {
  const cfg: LineChartConfig = { ...DEFAULT_LINE_CHART_CONFIG, ...config };
  const data: ScatterTrace[] = series.map((s) => {
    if (s.x && s.x.length !== s.y.length)
      throw new Error(`series "${s.name}": x has ${s.x.length} values but y has ${s.y.length}`);
    return {
      type: 'scatter',
      mode: cfg.markers ? 'lines+markers' : 'lines',
      name: s.name,
      x: s.x ? [...s.x] : s.y.map((_, i) => i),
      y: [...s.y],
    };
  });
  return {
    data,
    layout: {
      ...frameLayout(cfg),
      showlegend: series.length > 1,
      xaxis: { title: { text: cfg.xTitle } },
      yaxis: { title: { text: cfg.yTitle }, type: cfg.logY ? 'log' : 'linear' },
    },
  };
}
