/**
 * A figure of saliency maps in the manner of Dabkowski & Gal (2017), "Real
 * Time Image Saliency for Black Box Classifiers", Fig. 1 and 4: the first
 * row shows the images (with the requested item's ground-truth box), each
 * further row one method's maps for the images' true classes, drawn as a
 * heat-map blended over the image. Written as PNG with sharp; the method
 * names are drawn in a left margin (SVG text).
 */
import sharp from 'sharp';
import type { ClutteredBatch } from '../data/cluttered';
import type { WhiteBox } from '../classifiers/white-box';
import { MethodOptions, methodMasks } from '../methods/registry';
import { escapeSvgText } from './svg-text';

/** Options of {@link maskFigure}. */
export interface MaskFigureConfig {
  /** Each image pixel becomes `scale × scale` figure pixels; default 2. */
  scale: number;
  /** Weight of the heat-map in the blend, in [0, 1]; default 0.6. */
  overlay: number;
  /** Width in pixels of the margin holding the row labels; default 130. */
  labelWidth: number;
  /** Gap in pixels between cells; default 2. */
  gap: number;
}

/** The defaults of {@link MaskFigureConfig}. */
export const DEFAULT_MASK_FIGURE_CONFIG: Readonly<MaskFigureConfig> = Object.freeze({
  scale: 2,
  overlay: 0.6,
  labelWidth: 130,
  gap: 2,
});

/** One row of the figure: a label and `[N, H, W]` maps in [0, 1] (row-major), or none for the image row. */
export interface FigureRow {
  label: string;
  maps: Float32Array | null;
}

/** The "jet" colour map: blue (0) → cyan → yellow → red (1). */
export function jet(v: number): [number, number, number] {
  const c = (x: number) => Math.min(1, Math.max(0, x));
  return [c(1.5 - Math.abs(4 * v - 3)), c(1.5 - Math.abs(4 * v - 2)), c(1.5 - Math.abs(4 * v - 1))];
}

/**
 * Draws the grid as RGB bytes (no labels).
 * @param images `[N, H, W, 3]` row-major in [0, 1].
 * @param boxes the box drawn on each image of the image row (white outline).
 */
export function renderGrid(
  images: Float32Array,
  size: readonly [number, number],
  rows: readonly FigureRow[],
  boxes: ClutteredBatch['boxes'],
  config: MaskFigureConfig,
): { data: Uint8Array; width: number; height: number } {
  const [h, w] = size;
  const n = images.length / (h * w * 3);
  const { scale, gap, overlay, labelWidth } = config;
  const [cellW, cellH] = [w * scale, h * scale];
  const width = labelWidth + n * (cellW + gap);
  const height = rows.length * (cellH + gap);
  const data = new Uint8Array(width * height * 3).fill(255);
  rows.forEach((row, r) => {
    for (let i = 0; i < n; i++) {
      const box = boxes[i];
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const p = (i * h + y) * w + x;
          let rgb: number[] = [images[p * 3], images[p * 3 + 1], images[p * 3 + 2]];
          if (row.maps) {
            const heat = jet(row.maps[p]);
            rgb = rgb.map((v, k) => (1 - overlay) * v + overlay * heat[k]);
          } else if (
            ((x === box.x0 || x === box.x1 - 1) && y >= box.y0 && y < box.y1) ||
            ((y === box.y0 || y === box.y1 - 1) && x >= box.x0 && x < box.x1)
          ) {
            rgb = [1, 1, 1];
          }
          for (let dy = 0; dy < scale; dy++) {
            for (let dx = 0; dx < scale; dx++) {
              const q =
                ((r * (cellH + gap) + y * scale + dy) * width +
                  labelWidth +
                  i * (cellW + gap) +
                  x * scale +
                  dx) *
                3;
              for (let k = 0; k < 3; k++)
                data[q + k] = Math.round(255 * Math.min(1, Math.max(0, rgb[k])));
            }
          }
        }
      }
    }
  });
  return { data, width, height };
}

/** Escapes text for SVG. */

/**
 * Computes every method's maps for a batch and draws the figure.
 * @param batch test images (not disposed) with their labels and boxes; the true class is explained.
 * @param methods one row each, in order, after the image row.
 * @returns PNG bytes.
 */
export async function maskFigure(
  blackBox: WhiteBox,
  batch: ClutteredBatch,
  methods: readonly string[],
  methodOptions: MethodOptions = {},
  config: Partial<MaskFigureConfig> = {},
): Promise<Buffer> {
  const cfg: MaskFigureConfig = { ...DEFAULT_MASK_FIGURE_CONFIG, ...config };
  const [, h, w] = batch.images.shape;
  const classes = Array.from(batch.labels);
  const rows: FigureRow[] = [{ label: `${blackBox.name}: image`, maps: null }];
  for (const method of methods) {
    const masks = await methodMasks(
      method,
      blackBox,
      { images: batch.images, classes, boxes: batch.boxes },
      methodOptions,
    );
    rows.push({ label: method, maps: masks.dataSync() as Float32Array });
    masks.dispose();
  }
  const grid = renderGrid(batch.images.dataSync() as Float32Array, [h, w], rows, batch.boxes, cfg);
  const cellH = h * cfg.scale + cfg.gap;
  const labels = rows
    .map(
      (row, r) =>
        `<text x="6" y="${r * cellH + cellH / 2 + 5}" font-family="sans-serif" font-size="13" fill="#000">${escapeSvgText(row.label)}</text>`,
    )
    .join('');
  const classLabels = classes
    .map(
      (c, i) =>
        `<text x="${cfg.labelWidth + i * (w * cfg.scale + cfg.gap) + 3}" y="13" font-family="sans-serif" font-size="11" fill="#fff">${escapeSvgText(blackBox.classNames[c])}</text>`,
    )
    .join('');
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${grid.width}" height="${grid.height}">${labels}${classLabels}</svg>`,
  );
  return sharp(Buffer.from(grid.data), {
    raw: { width: grid.width, height: grid.height, channels: 3 },
  })
    .composite([{ input: svg, top: 0, left: 0 }])
    .png()
    .toBuffer();
}
