/**
 * Figures of an ablation sweep (Dabkowski & Gal 2017, the choice of A and of
 * λ1..λ4), from the rows of `lib/evaluation/ablation-results.ts`: the scores
 * of every setting as grouped bars, the crop metric's distribution per
 * setting as box plots, one score over the (λ1, λ2) grid as a heat map, and
 * one score against one λ as curves.
 * Settings are labelled by the parameters that vary over the rows (e.g.
 * `'A blur'` in a sweep of A).
 */
import {
  ABLATION_METRICS,
  AblationMetric,
  AblationRow,
  PARAMETER_NAMES,
  parameterValue,
  SettingParameter,
  settingLabel,
  varyingParameters,
} from '../evaluation/ablation-results';
import { LineChartConfig, lineChartFigure, LineSeries } from './line-chart';
import { QuantileBoxConfig, quantileBoxFigure, quantileBoxFromSummary } from './distribution';
import { gridFromPoints, gridHeatmapFigure, GridHeatmapConfig } from './grid-heatmap';
import { groupedBarFigure, GroupedBarConfig } from './grouped-bars';
import type { Figure } from './types';

/** The metrics {@link ablationBarsFigure} draws by default, in order. */
export const DEFAULT_BAR_METRICS: readonly AblationMetric[] = Object.freeze([
  'localisationError',
  'meanCropMetric',
  'meanMaskArea',
  'fakeClassMeanArea',
]);

/** Each row's label: the parameters that vary over all the rows. */
function labels(rows: readonly AblationRow[]): string[] {
  const varying = varyingParameters(rows);
  return rows.map((r) => settingLabel(r.setting, varying));
}

/**
 * Grouped bars: one category per metric, one bar (colour) per setting.
 * @param metrics default {@link DEFAULT_BAR_METRICS}.
 * @throws when two rows share a label (two files of the same setting).
 */
export function ablationBarsFigure(
  rows: readonly AblationRow[],
  metrics: readonly AblationMetric[] = DEFAULT_BAR_METRICS,
  config: Partial<GroupedBarConfig> = {},
): Figure {
  const names = labels(rows);
  return groupedBarFigure(
    metrics.flatMap((m) =>
      rows.map((r, i) => ({
        category: ABLATION_METRICS[m].label,
        group: names[i],
        value: ABLATION_METRICS[m].read(r),
      })),
    ),
    {
      valueTitle: 'score (lower is better but for the mask area)',
      decimals: 2,
      width: 860,
      ...config,
    },
  );
}

/**
 * The crop metric s(a, p) of each setting as a box from its stored quantiles
 * (whiskers 5–95%, mean dashed), coloured by black box.
 * @throws when a row lacks one of the quantiles 0.05, 0.25, 0.5, 0.75, 0.95.
 */
export function ablationCropMetricFigure(
  rows: readonly AblationRow[],
  config: Partial<QuantileBoxConfig> = {},
): Figure {
  const names = labels(rows);
  return quantileBoxFigure(
    rows.map((r, i) => quantileBoxFromSummary(names[i], r.blackBox, r.cropMetric)),
    { metric: 's(a, p), lower is better', ...config },
  );
}

/**
 * One metric over the (λ1 = TV, λ2 = area) grid; pairs not run are empty cells.
 * @throws naming the parameters other than λ1 and λ2 that vary over the rows
 *   (two settings would share a cell: filter the rows to one value of each first).
 */
export function lambdaHeatmapFigure(
  rows: readonly AblationRow[],
  metric: AblationMetric,
  config: Partial<GridHeatmapConfig> = {},
): Figure {
  const others = varyingParameters(rows).filter((p) => p !== 'tv' && p !== 'area');
  if (others.length)
    throw new Error(
      `a (λ1, λ2) heat map needs one value of every other parameter; ${others.join(', ')} vary: filter the rows first`,
    );
  const { label, read } = ABLATION_METRICS[metric];
  const grid = gridFromPoints(
    rows.map((r) => ({ x: r.setting.lambdas.tv, y: r.setting.lambdas.area, value: read(r) })),
    'λ1 (TV weight)',
    'λ2 (area weight)',
  );
  return gridHeatmapFigure(grid, { metric: label, ...config });
}

/**
 * One metric against one numeric parameter (a λ, the fake-class probability),
 * one curve per combination of the other parameters that vary.
 * @throws when the parameter does not vary over the rows or is not numeric.
 */
export function ablationCurveFigure(
  rows: readonly AblationRow[],
  parameter: SettingParameter,
  metric: AblationMetric,
  config: Partial<LineChartConfig> = {},
): Figure {
  const values = rows.map((r) => parameterValue(r.setting, parameter));
  if (new Set(values).size < 2 || values.some((v) => typeof v !== 'number'))
    throw new Error(
      `a curve over ${PARAMETER_NAMES[parameter]} needs rows with at least two numeric values of it`,
    );
  const others = varyingParameters(rows).filter((p) => p !== parameter);
  const curves = new Map<string, AblationRow[]>();
  for (const r of rows) {
    const name = others.length ? settingLabel(r.setting, others) : 'all settings';
    curves.set(name, [...(curves.get(name) ?? []), r]);
  }
  const { label, read } = ABLATION_METRICS[metric];
  const series: LineSeries[] = [...curves].map(([name, members]) => {
    const sorted = [...members].sort(
      (a, b) =>
        (parameterValue(a.setting, parameter) as number) -
        (parameterValue(b.setting, parameter) as number),
    );
    return {
      name,
      x: sorted.map((r) => parameterValue(r.setting, parameter) as number),
      y: sorted.map(read),
    };
  });
  return lineChartFigure(series, {
    xTitle: PARAMETER_NAMES[parameter],
    yTitle: label,
    markers: true,
    ...config,
  });
}
