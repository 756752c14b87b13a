/**
 * A grid of images, each optionally with a saliency mask drawn over it as a
 * semi-transparent heat map and with boxes outlined on top: the ground-truth
 * box and the box a method predicts (docs/design.md §1, localisation). A panel
 * may also hold a mask alone (masks over iterations, say).
 *
 * Coordinates: pixel (col, row) of the image has its centre at data
 * coordinates (col, row), y pointing down; a mask of another resolution is
 * stretched over the same area; a {@link Box} `{x0, y0, x1, y1}` (upper edges
 * exclusive) covers `[x0 − ½, x1 − ½] × [y0 − ½, y1 − ½]`.
 */
import type { Box } from '../data/box';
import { Raster, rgbRows, valueRows } from './raster';
import type { Annotation, Axis, ColorScale, Figure, Layout, RectShape, Trace } from './types';

/** `'true'`: the ground-truth box; `'predicted'`: a box derived from a mask. */
export type BoxRole = 'true' | 'predicted';

/** A box drawn on a panel. */
export interface PanelBox {
  box: Box;
  role: BoxRole;
}

/** One cell of the grid; at least one of `image` and `mask` is required. */
export interface GridPanel {
  /** Text above the panel; default none. */
  title?: string;
  /** The picture, values in [0, 1]. */
  image?: Raster;
  /** A mask in [0, 1] (one channel), drawn over `image` or alone. */
  mask?: Raster;
  /** Boxes in the pixel coordinates of `image` (of `mask` when there is no image). */
  boxes?: readonly PanelBox[];
}

/** Options of {@link imageGridFigure}. */
export interface ImageGridConfig {
  /** Panels per row; default 4 (fewer when there are fewer panels). */
  columns: number;
  /** Side of each panel in pixels; default 160. */
  panelSize: number;
  /** Space between panels in pixels; default 8. */
  gap: number;
  /** Height reserved for each panel's title in pixels; default 20. */
  titleHeight: number;
  /** Opacity of a mask drawn over an image (a mask alone is opaque); default 1 (the colour scale fades by itself). */
  maskOpacity: number;
  /** Colour scale of the masks, 0 → 1; default {@link MASK_COLOR_SCALE}. */
  maskColorScale: ColorScale;
  /** Outline colour of each box role; default true = lime green, predicted = red. */
  boxColours: Readonly<Record<BoxRole, string>>;
  /** Figure title; default none. */
  title?: string;
}

/**
 * Transparent at 0, through translucent orange to nearly opaque crimson at 1:
 * the image stays visible where the mask removes it.
 */
export const MASK_COLOR_SCALE: [number, string][] = [
  [0, 'rgba(255, 215, 0, 0)'],
  [0.5, 'rgba(255, 140, 0, 0.55)'],
  [1, 'rgba(220, 20, 60, 0.85)'],
];

/** The defaults of {@link ImageGridConfig}. */
export const DEFAULT_IMAGE_GRID_CONFIG: Readonly<ImageGridConfig> = Object.freeze({
  columns: 4,
  panelSize: 160,
  gap: 8,
  titleHeight: 20,
  maskOpacity: 1,
  maskColorScale: MASK_COLOR_SCALE,
  boxColours: Object.freeze({ true: '#00e676', predicted: '#ff1744' }),
});

/** Outer margins of the figure in pixels; the right one holds the mask colour bar. */
const MARGIN = { l: 10, r: 70, t: 40, b: 10 };

/** The axis names of panel k (0-based): `x`/`y` for the first, `x2`/`y2` for the second, … */
function axisNames(k: number): {
  x: string;
  y: string;
  xKey: 'xaxis' | `xaxis${number}`;
  yKey: 'yaxis' | `yaxis${number}`;
} {
  const suffix = k === 0 ? '' : String(k + 1);
  return {
    x: `x${suffix}`,
    y: `y${suffix}`,
    xKey: k === 0 ? 'xaxis' : `xaxis${k + 1}`,
    yKey: k === 0 ? 'yaxis' : `yaxis${k + 1}`,
  };
}

/** Pixels per character of a panel title (12 px sans-serif, generous) and per line. */
const TITLE_CHAR_WIDTH = 7;
const TITLE_LINE_HEIGHT = 15;

/** A title broken at spaces into lines that fit `width` pixels (a word longer than a line keeps its own line). */
export function wrapTitle(title: string, width: number): string[] {
  const perLine = Math.max(1, Math.floor(width / TITLE_CHAR_WIDTH));
  const lines: string[] = [];
  for (const word of title.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= perLine)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * Builds a grid of images with mask overlays and boxes.
 * @returns one `image` trace per image and one `heatmap` trace per mask
 *   (the first mask's colour bar shown), a rectangle shape per box, an
 *   annotation per title, and a pair of hidden axes per panel; the figure's
 *   size in pixels fits the panels exactly.
 * @throws when a panel has neither image nor mask, or when its mask is not one channel.
 */
export function imageGridFigure(
  panels: readonly GridPanel[],
  config: Partial<ImageGridConfig> = {},
): Figure {
  const given: ImageGridConfig = { ...DEFAULT_IMAGE_GRID_CONFIG, ...config };
  const titles = panels.map((p) =>
    p.title === undefined ? undefined : wrapTitle(p.title, given.panelSize),
  );
  const titleLines = Math.max(0, ...titles.map((t) => t?.length ?? 0));
  // Long titles wrap onto more lines, and the title band grows to hold them.
  const cfg: ImageGridConfig =
    titleLines > 1
      ? { ...given, titleHeight: Math.max(given.titleHeight, titleLines * TITLE_LINE_HEIGHT + 5) }
      : given;
  if (!Number.isInteger(cfg.columns) || cfg.columns < 1)
    throw new Error(`columns must be an integer >= 1, got ${cfg.columns}`);
  const columns = Math.max(1, Math.min(cfg.columns, panels.length));
  const rows = Math.ceil(panels.length / columns);
  const cellW = cfg.panelSize + cfg.gap;
  const cellH = cfg.panelSize + cfg.titleHeight + cfg.gap;
  const plotW = columns * cellW - cfg.gap;
  const plotH = rows * cellH - cfg.gap;

  const data: Trace[] = [];
  const shapes: RectShape[] = [];
  const annotations: Annotation[] = [];
  const layout: Layout = {
    width: plotW + MARGIN.l + MARGIN.r,
    height: plotH + MARGIN.t + MARGIN.b,
    margin: { ...MARGIN },
    showlegend: false,
  };
  if (cfg.title !== undefined) layout.title = { text: cfg.title };
  let colourBarShown = false;

  panels.forEach((panel, k) => {
    const frame = panel.image ?? panel.mask;
    if (!frame) throw new Error(`panel ${k} has neither an image nor a mask`);
    if (panel.mask && panel.mask.channels !== 1)
      throw new Error(`panel ${k}: a mask has 1 channel, got ${panel.mask.channels}`);
    const { x, y, xKey, yKey } = axisNames(k);
    const col = k % columns;
    const row = Math.floor(k / columns);
    // Domains in paper fractions; row 0 is the top row.
    const left = col * cellW;
    const top = row * cellH + cfg.titleHeight;
    const xDomain: [number, number] = [left / plotW, (left + cfg.panelSize) / plotW];
    const yDomain: [number, number] = [1 - (top + cfg.panelSize) / plotH, 1 - top / plotH];
    const hidden: Axis = { visible: false, showgrid: false, zeroline: false };
    layout[xKey] = { ...hidden, domain: xDomain, anchor: y, range: [-0.5, frame.width - 0.5] };
    layout[yKey] = { ...hidden, domain: yDomain, anchor: x, range: [frame.height - 0.5, -0.5] };

    if (panel.image)
      data.push({
        type: 'image',
        z: rgbRows(panel.image),
        colormodel: 'rgb',
        xaxis: x,
        yaxis: y,
        name: panel.title ?? `panel ${k + 1}`,
      });
    if (panel.mask) {
      const dx = frame.width / panel.mask.width;
      const dy = frame.height / panel.mask.height;
      data.push({
        type: 'heatmap',
        z: valueRows(panel.mask),
        x0: dx / 2 - 0.5,
        dx,
        y0: dy / 2 - 0.5,
        dy,
        zmin: 0,
        zmax: 1,
        colorscale: cfg.maskColorScale,
        opacity: panel.image ? cfg.maskOpacity : 1,
        showscale: !colourBarShown,
        colorbar: { title: { text: 'mask' }, thickness: 14 },
        xaxis: x,
        yaxis: y,
        name: `mask ${k + 1}`,
      });
      colourBarShown = true;
    }
    for (const { box, role } of panel.boxes ?? []) {
      shapes.push({
        type: 'rect',
        xref: x,
        yref: y,
        x0: box.x0 - 0.5,
        y0: box.y0 - 0.5,
        x1: box.x1 - 0.5,
        y1: box.y1 - 0.5,
        line: {
          color: cfg.boxColours[role],
          width: 2,
          dash: role === 'predicted' ? 'dash' : 'solid',
        },
      });
    }
    const title = titles[k];
    if (title !== undefined) {
      annotations.push({
        text: title.join('<br>'),
        xref: 'paper',
        yref: 'paper',
        x: (xDomain[0] + xDomain[1]) / 2,
        y: yDomain[1],
        xanchor: 'center',
        yanchor: 'bottom',
        showarrow: false,
        font: { size: 12 },
      });
    }
  });
  if (shapes.length) layout.shapes = shapes;
  if (annotations.length) layout.annotations = annotations;
  return { data, layout };
}
