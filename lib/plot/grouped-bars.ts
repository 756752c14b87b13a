/**
 * Grouped bar charts: one value per category × group, e.g. the localisation
 * error of each saliency method (category) on each black box (group), or the
 * accuracy of each black box on each test set.
 */
import type { BarTrace, Figure } from './types';
import { frameLayout } from './frame';

/** One bar. */
export interface BarValue {
  /** Position along x (e.g. the method). */
  category: string;
  /** Colour and legend entry (e.g. the black box). */
  group: string;
  value: number;
}

/** Options of {@link groupedBarFigure}. */
export interface GroupedBarConfig {
  /** Title of the value axis; default `'value'`. */
  valueTitle: string;
  /** Title of the category axis; default none. */
  categoryTitle?: string;
  /** Value-axis range; default automatic. */
  valueRange?: [number, number];
  /** Decimals of the labels printed on the bars; default 1. */
  decimals: number;
  /** Figure size in pixels; default 720 × 420. */
  width: number;
  height: number;
  /** Figure title; default none. */
  title?: string;
}

/** Above this many bars their labels are drawn vertically. */
const CROWDED_BARS = 12;

/** The defaults of {@link GroupedBarConfig}. */
export const DEFAULT_GROUPED_BAR_CONFIG: Readonly<GroupedBarConfig> = Object.freeze({
  valueTitle: 'value',
  decimals: 1,
  width: 720,
  height: 420,
});

/**
 * One `bar` trace per group (in order of first appearance), each with a bar
 * per category (in order of first appearance; 0-height and unlabelled where
 * a group lacks that category), labels printed outside the bars (never
 * clipped; vertical when there are more than 12 bars), `barmode: 'group'`.
 * @throws when a category × group pair appears twice.
 */
export function groupedBarFigure(
  values: readonly BarValue[],
  config: Partial<GroupedBarConfig> = {},
): Figure {
  const cfg: GroupedBarConfig = { ...DEFAULT_GROUPED_BAR_CONFIG, ...config };
  const categories = [...new Set(values.map((v) => v.category))];
  const groups = [...new Set(values.map((v) => v.group))];
  const table = new Map<string, number>();
  for (const v of values) {
    const key = JSON.stringify([v.category, v.group]);
    if (table.has(key))
      throw new Error(`category "${v.category}" × group "${v.group}" appears twice`);
    table.set(key, v.value);
  }
  // Side-by-side labels of narrow bars run into each other: stand them up.
  const crowded = categories.length * groups.length > CROWDED_BARS;
  const data: BarTrace[] = groups.map((group) => {
    const ys = categories.map((c) => table.get(JSON.stringify([c, group])));
    return {
      type: 'bar',
      name: group,
      x: categories,
      y: ys.map((y) => y ?? 0),
      text: ys.map((y) => (y === undefined ? '' : y.toFixed(cfg.decimals))),
      textposition: 'outside',
      cliponaxis: false,
      ...(crowded ? { textangle: -90, textfont: { size: 10 } } : {}),
    };
  });
  return {
    data,
    layout: {
      ...frameLayout(cfg),
      barmode: 'group',
      showlegend: true,
      xaxis: {
        type: 'category',
        ...(cfg.categoryTitle !== undefined ? { title: { text: cfg.categoryTitle } } : {}),
      },
      yaxis: {
        title: { text: cfg.valueTitle },
        ...(cfg.valueRange ? { range: cfg.valueRange } : {}),
      },
    },
  };
}

/** One localisation result: the error (fraction of images not localised, in [0, 1]) of a method on a black box. */
export interface LocalisationErrorEntry {
  method: string;
  blackBox: string;
  error: number;
}

/**
 * Localisation error in percent per method (x) and black box (colour), the
 * paper's Table 1 layout as bars; y from 0 to 100.
 */
export function localisationErrorFigure(
  entries: readonly LocalisationErrorEntry[],
  config: Partial<GroupedBarConfig> = {},
): Figure {
  return groupedBarFigure(
    entries.map((e) => ({ category: e.method, group: e.blackBox, value: 100 * e.error })),
    {
      valueTitle: 'localisation error (%)',
      categoryTitle: 'method',
      valueRange: [0, 100],
      ...config,
    },
  );
}
