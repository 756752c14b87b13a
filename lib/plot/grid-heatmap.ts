/**
 * A heat map over a grid of two hyperparameters, e.g. a score over the
 * objective's λ1 (TV) × λ2 (area) weights, each cell labelled with its value.
 */
import type { ColorScale, Figure } from './types';
import { frameLayout } from './frame';

/** A score on a grid: `values[i][j]` belongs to `yValues[i]` and `xValues[j]`; null = not run. */
export interface GridScores {
  /** Name of the parameter along x, e.g. `'λ1 (TV)'`. */
  xName: string;
  /** Name of the parameter along y. */
  yName: string;
  xValues: readonly number[];
  yValues: readonly number[];
  values: readonly (readonly (number | null)[])[];
}

/** Options of {@link gridHeatmapFigure}. */
export interface GridHeatmapConfig {
  /** Name of the score, for the colour bar; default `'score'`. */
  metric: string;
  /** Decimals of the cell labels; default 2. */
  decimals: number;
  /** Default `'Viridis'`. */
  colorScale: ColorScale;
  /** Figure size in pixels; default 560 × 480. */
  width: number;
  height: number;
  /** Figure title; default none. */
  title?: string;
}

/** The defaults of {@link GridHeatmapConfig}. */
export const DEFAULT_GRID_HEATMAP_CONFIG: Readonly<GridHeatmapConfig> = Object.freeze({
  metric: 'score',
  decimals: 2,
  colorScale: 'Viridis',
  width: 560,
  height: 480,
});

/**
 * One `heatmap` trace with categorical axes (the parameter values as
 * written by `String`, so log-spaced grids get evenly spaced cells) and the
 * values printed in the cells (empty for null).
 * @throws when `values` is not `yValues.length × xValues.length`.
 */
export function gridHeatmapFigure(
  grid: GridScores,
  config: Partial<GridHeatmapConfig> = {},
): Figure {
  const cfg: GridHeatmapConfig = { ...DEFAULT_GRID_HEATMAP_CONFIG, ...config };
  const { xValues, yValues, values } = grid;
  if (values.length !== yValues.length || values.some((row) => row.length !== xValues.length)) {
    throw new Error(
      `values must be ${yValues.length}×${xValues.length} (yValues × xValues), got ${values.length}×[${values.map((r) => r.length).join(', ')}]`,
    );
  }
  return {
    data: [
      {
        type: 'heatmap',
        x: xValues.map(String),
        y: yValues.map(String),
        z: values.map((row) => [...row]),
        text: values.map((row) => row.map((v) => (v === null ? '' : v.toFixed(cfg.decimals)))),
        texttemplate: '%{text}',
        colorscale: cfg.colorScale,
        colorbar: { title: { text: cfg.metric } },
        name: cfg.metric,
      },
    ],
    layout: {
      ...frameLayout(cfg),
      xaxis: { title: { text: grid.xName }, type: 'category' },
      yaxis: { title: { text: grid.yName }, type: 'category' },
    },
  };
}

/** One scored setting of two parameters. */
export interface GridPoint {
  x: number;
  y: number;
  value: number;
}

/**
 * Arranges scattered settings on a grid: the distinct x and y values, sorted
 * ascending, with null where a pair was not run (a later duplicate replaces an earlier one).
 */
export function gridFromPoints(
  points: readonly GridPoint[],
  xName: string,
  yName: string,
): GridScores {
  const xValues = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  const yValues = [...new Set(points.map((p) => p.y))].sort((a, b) => a - b);
  const values = yValues.map(() => xValues.map((): number | null => null));
  for (const p of points) values[yValues.indexOf(p.y)][xValues.indexOf(p.x)] = p.value;
  return { xName, yName, xValues, yValues, values };
}
