/**
 * A contact sheet of saliency overlays: one row per image, the image itself
 * in the first column and one overlay per method after it
 * (image | method 1 | method 2 …), method names above the columns, one
 * legend (colour bar, box keys) below. Every cell is drawn by
 * `saliencyOverlayPng` (`lib/plot/saliency-overlay.ts`) with the same
 * options, so the sheet reads like the single overlays; sharp places them.
 *
 * ```ts
 * await writeContactSheet('out/sheet.png', {
 *   methods: ['masker', 'gradient'],
 *   rows: [{ image, caption: 'beach.jpg', boxes: [{ box, label: 'ground truth' }],
 *            cells: [{ map: maskerMap, className: 'Dog', probability: 0.81 }, { map: gradientMap, className: 'Dog', probability: 0.81 }] }],
 * }, { mapScale: 'max', salientBox: true });
 * ```
 */
import sharp, { OverlayOptions } from 'sharp';
import type { SalientRegionConfig } from '../metrics/salient-region';
import { LegendItem, legendSvg } from './overlay-legend';
import type { Raster } from './raster';
import {
  DEFAULT_SALIENCY_OVERLAY_CONFIG,
  OverlayBox,
  OverlayPng,
  SaliencyOverlayConfig,
  saliencyOverlayPng,
  writeOverlayPng,
} from './saliency-overlay';
import { svgText, wrapText } from './svg-text';

/** One method's map of a row's image. */
export interface ContactSheetCell {
  /** `[h, w, 1]` saliency map. */
  map: Raster;
  /** The class the map explains, for the cell's caption. */
  className?: string;
  /** The model's probability of that class, in [0, 1]. */
  probability?: number;
}

/** One image and its maps. */
export interface ContactSheetRow {
  /** `[H, W, 1 | 3]` values in [0, 1]. */
  image: Raster;
  /** Caption under the image (its file name, its true class…); default none. */
  caption?: string;
  /** Boxes outlined on every cell of the row (a ground-truth box, say). */
  boxes?: readonly OverlayBox[];
  /** One cell per method, in the order of {@link ContactSheet.methods}. */
  cells: readonly ContactSheetCell[];
}

/** What a contact sheet shows. */
export interface ContactSheet {
  /** Column titles after the image column. */
  methods: readonly string[];
  rows: readonly ContactSheetRow[];
  /** A title line above the sheet; default none. */
  title?: string;
}

/** Options of {@link contactSheetPng}: those of every overlay, and the sheet's own. */
export interface ContactSheetConfig extends SaliencyOverlayConfig {
  /** Space between cells and around the sheet in pixels; default 8. */
  gap: number;
  /** Outline each map's salient box (dashed), with the default region rule or these options; default false. */
  salientBox: boolean | Partial<SalientRegionConfig>;
}

/** The defaults of {@link ContactSheetConfig}. */
export const DEFAULT_CONTACT_SHEET_CONFIG: Readonly<ContactSheetConfig> = Object.freeze({
  ...DEFAULT_SALIENCY_OVERLAY_CONFIG,
  gap: 8,
  salientBox: false,
});

/**
 * Draws a contact sheet.
 * @returns the PNG and its size.
 * @throws when there are no rows, when a row's cells do not match the methods
 *   one to one, or on any problem of a cell (see `saliencyOverlayPng`).
 */
export async function contactSheetPng(
  sheet: ContactSheet,
  config: Partial<ContactSheetConfig> = {},
): Promise<OverlayPng> {
  const cfg: ContactSheetConfig = { ...DEFAULT_CONTACT_SHEET_CONFIG, ...config };
  const { methods, rows } = sheet;
  if (rows.length === 0) throw new Error('contactSheetPng: the sheet has no rows');
  rows.forEach((row, r) => {
    if (row.cells.length !== methods.length) {
      throw new Error(
        `contactSheetPng: row ${r} has ${row.cells.length} cells but there are ${methods.length} methods (${methods.join(', ')})`,
      );
    }
  });
  const cellConfig = { ...cfg, legend: false };
  const grid: OverlayPng[][] = [];
  for (const row of rows) {
    const cells = [
      await saliencyOverlayPng(
        { image: row.image, caption: row.caption, boxes: row.boxes },
        cellConfig,
      ),
    ];
    for (const cell of row.cells) {
      const caption = { className: cell.className, probability: cell.probability };
      cells.push(
        await saliencyOverlayPng(
          {
            image: row.image,
            map: cell.map,
            caption,
            boxes: row.boxes,
            salientBox: cfg.salientBox,
          },
          cellConfig,
        ),
      );
    }
    grid.push(cells);
  }
  const columnWidths = grid[0].map((_, c) => Math.max(...grid.map((cells) => cells[c].width)));
  const rowHeights = grid.map((cells) => Math.max(...cells.map((cell) => cell.height)));
  const { gap, fontSize } = cfg;
  const width = columnWidths.reduce((a, b) => a + b, 0) + gap * (columnWidths.length + 1);
  const lineHeight = Math.round(fontSize * 1.5);

  const svg: string[] = [];
  let top = gap;
  for (const line of sheet.title === undefined
    ? []
    : wrapText(sheet.title, width - 2 * gap, fontSize + 2)) {
    svg.push(svgText(line, gap, top + fontSize + 2, fontSize + 2, { bold: true }));
    top += lineHeight + 2;
  }
  const columnLeft = columnWidths.map(
    (_, c) => gap + columnWidths.slice(0, c).reduce((a, b) => a + b + gap, 0),
  );
  ['image', ...methods].forEach((title, c) =>
    svg.push(
      svgText(title, columnLeft[c] + columnWidths[c] / 2, top + fontSize, fontSize, {
        anchor: 'middle',
        bold: true,
      }),
    ),
  );
  top += lineHeight;
  const composites: OverlayOptions[] = [];
  grid.forEach((cells, r) => {
    cells.forEach((cell, c) => composites.push({ input: cell.png, left: columnLeft[c], top }));
    top += rowHeights[r] + gap;
  });

  const items: LegendItem[] = [
    {
      kind: 'scale',
      stops: cfg.colourScale,
      label: cfg.mapScale === 'max' ? 'map 0 … max' : 'map 0 … 1',
    },
  ];
  for (const b of rows.flatMap((row) => row.boxes ?? [])) {
    if (b.label !== undefined && !items.some((i) => i.label === b.label))
      items.push({ kind: 'box', colour: b.colour ?? cfg.boxColour, dashed: false, label: b.label });
  }
  if (cfg.salientBox)
    items.push({ kind: 'box', colour: cfg.salientBoxColour, dashed: true, label: 'salient box' });
  const legend = legendSvg(items, gap, top, width - 2 * gap, fontSize - 1, 'sheet');
  svg.push(legend.svg);
  const height = top + legend.height + gap;

  composites.push({
    input: Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${svg.join('')}</svg>`,
    ),
    left: 0,
    top: 0,
  });
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(composites)
    .png()
    .toBuffer();
  return { png, width, height };
}

/**
 * Draws a contact sheet ({@link contactSheetPng}) and writes it to `file`, creating folders.
 * @returns the PNG written and its size.
 */
export async function writeContactSheet(
  file: string,
  sheet: ContactSheet,
  config: Partial<ContactSheetConfig> = {},
): Promise<OverlayPng> {
  return writeOverlayPng(file, await contactSheetPng(sheet, config));
}
