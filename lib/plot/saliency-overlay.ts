/**
 * A PNG of one image with a saliency map laid over it, for users explaining
 * their own classifier on their own photos: the map coloured by a colour
 * scale with alpha (by default the kit's `MASK_COLOR_SCALE`: transparent at
 * 0, through orange to crimson at 1, so the image shows where the map is
 * low), optional boxes outlined (a ground-truth box, and the salient box of
 * the map as `lib/metrics/salient-region.ts` defines it, dashed), a caption
 * (method · class · probability) and a legend line below.
 *
 * Small inputs are enlarged by a whole factor with nearest-neighbour
 * sampling, so that every input pixel stays a visible square (a 28×28 image
 * becomes 252×252 by default); the map is sampled the same way, stretched
 * over the image when its resolution differs. Drawn with sharp: the pixels
 * as raw RGB, boxes and text as an SVG composited over them.
 *
 * ```ts
 * await writeSaliencyOverlay('out/photo-masker.png', {
 *   image, map, caption: { method: 'masker', className: 'Trouser', probability: 0.93 }, salientBox: true,
 * });
 * ```
 */
import * as fs from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { assertBox } from '../core/checks';
import { Box, tightBox } from '../data/box';
import { SalientRegionConfig, salientRegion } from '../metrics/salient-region';
import { ColourStops, colourScale } from './colour-scale';
import { DEFAULT_IMAGE_GRID_CONFIG, MASK_COLOR_SCALE } from './image-grid';
import { LegendItem, legendSvg } from './overlay-legend';
import { Raster, checkRaster, rgbRows } from './raster';
import { svgText, wrapText } from './svg-text';

/** How map values become colours: `'absolute'` takes them as they are (they must lie in [0, 1], as masks do); `'max'` divides by the map's maximum first (gradients and other unbounded maps; negative values count as 0). */
export type MapScale = 'absolute' | 'max';

/** A box to outline, in pixels of the image (`lib/data/box.ts`). */
export interface OverlayBox {
  box: Box;
  /** Outline colour; default the kit's ground-truth colour ({@link SaliencyOverlayConfig.boxColour}). */
  colour?: string;
  /** Its name in the legend, e.g. `ground truth`; unnamed boxes get no legend entry. */
  label?: string;
}

/** The parts of a caption, joined as `method · class · p = 0.93`. */
export interface OverlayCaption {
  method?: string;
  className?: string;
  /** The model's probability of the class, in [0, 1]. */
  probability?: number;
}

/** What one overlay shows. */
export interface SaliencyOverlay {
  /** `[H, W, 1 | 3]` values in [0, 1] (a grey image is drawn grey). */
  image: Raster;
  /** `[h, w, 1]` saliency map; default none (the image alone). */
  map?: Raster;
  /** A caption line: its parts, or text as is; default none. */
  caption?: string | OverlayCaption;
  /** Boxes to outline. */
  boxes?: readonly OverlayBox[];
  /** Outline the salient box of the map (dashed): `true` for the default region rule, or its options; default none. */
  salientBox?: boolean | Partial<SalientRegionConfig>;
}

/** Options of {@link saliencyOverlayPng}. */
export interface SaliencyOverlayConfig {
  /** The longer side of the image is enlarged by the whole factor that brings it closest to this many pixels (never shrunk); default 256. */
  displaySize: number;
  /** The PNG is at least this wide (the image centred), to leave room for the caption; default 200. */
  minWidth: number;
  /** Colour of each map value in [0, 1]; default `MASK_COLOR_SCALE`. */
  colourScale: ColourStops;
  /** Default `'absolute'`. */
  mapScale: MapScale;
  /** Text size in pixels; default 13. */
  fontSize: number;
  /** Default outline colour of given boxes; default the image grid's ground-truth green. */
  boxColour: string;
  /** Outline colour of the salient box; default the image grid's predicted-box red. */
  salientBoxColour: string;
  /** Draw the legend line (colour bar and box keys); default true. */
  legend: boolean;
}

/** The defaults of {@link SaliencyOverlayConfig}. */
export const DEFAULT_SALIENCY_OVERLAY_CONFIG: Readonly<SaliencyOverlayConfig> = Object.freeze({
  displaySize: 256,
  minWidth: 200,
  colourScale: MASK_COLOR_SCALE,
  mapScale: 'absolute',
  fontSize: 13,
  boxColour: DEFAULT_IMAGE_GRID_CONFIG.boxColours.true,
  salientBoxColour: DEFAULT_IMAGE_GRID_CONFIG.boxColours.predicted,
  legend: true,
});

/** A rendered PNG and its size in pixels. */
export interface OverlayPng {
  png: Buffer;
  width: number;
  height: number;
}

/** Space in pixels around the caption and legend. */
const PADDING = 6;

/** The caption's text: its parts joined by ` · `, the probability with two decimals (or two significant digits below 0.01). */
export function formatCaption(caption: string | OverlayCaption): string {
  if (typeof caption === 'string') return caption;
  const { method, className, probability } = caption;
  if (probability !== undefined && !(probability >= 0 && probability <= 1))
    throw new Error(`caption probability must lie in [0, 1], got ${probability}`);
  const p =
    probability === undefined
      ? undefined
      : `p = ${probability === 0 || probability >= 0.01 ? probability.toFixed(2) : probability.toPrecision(2)}`;
  return [method, className, p].filter((s) => s !== undefined && s !== '').join(' · ');
}

/** The whole enlargement factor that brings the longer side closest to `displaySize`, at least 1. */
export function pixelScale(height: number, width: number, displaySize: number): number {
  return Math.max(1, Math.round(displaySize / Math.max(height, width)));
}

/** The map's values as colour-scale positions in [0, 1]. */
function scaledMap(map: Raster, scale: MapScale): Float32Array {
  const values = Float32Array.from({ length: map.height * map.width }, (_, i) => map.data[i]);
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw new Error(
        `saliencyOverlayPng: map values must be finite, got ${values[i]} at pixel ${i}`,
      );
    max = Math.max(max, values[i]);
  }
  if (scale === 'max') return values.map((v) => (max > 0 ? Math.max(0, v) / max : 0));
  const outside = values.findIndex((v) => v < 0 || v > 1);
  if (outside >= 0) {
    throw new Error(
      `saliencyOverlayPng: map values must lie in [0, 1] with mapScale 'absolute', got ${values[outside]} at pixel ${outside}; use mapScale 'max' for maps of another scale`,
    );
  }
  return values;
}

/** The salient box of the map in pixels of the image, or null when the region is empty. */
function salientBoxOf(
  map: Raster,
  image: Raster,
  config: true | Partial<SalientRegionConfig>,
): Box | null {
  const values = Float32Array.from({ length: map.height * map.width }, (_, i) => map.data[i]);
  const box = tightBox(
    salientRegion(values, map.height, map.width, config === true ? {} : config),
    map.height,
    map.width,
  );
  if (box === null) return null;
  const [sx, sy] = [image.width / map.width, image.height / map.height];
  return { x0: box.x0 * sx, y0: box.y0 * sy, x1: box.x1 * sx, y1: box.y1 * sy };
}

/** The image enlarged `k` times with the map blended over it, as raw RGB bytes. */
function blendedPixels(
  image: Raster,
  map: Raster | undefined,
  values: Float32Array | undefined,
  k: number,
  stops: ColourStops,
): Buffer {
  const rows = rgbRows(image);
  const colourOf = colourScale(stops);
  const [iw, ih] = [image.width * k, image.height * k];
  const out = Buffer.alloc(iw * ih * 3);
  for (let y = 0; y < ih; y++) {
    for (let x = 0; x < iw; x++) {
      const rgb = rows[Math.floor(y / k)][Math.floor(x / k)];
      let [r, g, b] = rgb;
      if (map && values) {
        const v =
          values[Math.floor((y * map.height) / ih) * map.width + Math.floor((x * map.width) / iw)];
        const [cr, cg, cb, a] = colourOf(v);
        [r, g, b] = [(1 - a) * r + a * cr, (1 - a) * g + a * cg, (1 - a) * b + a * cb];
      }
      const p = (y * iw + x) * 3;
      [out[p], out[p + 1], out[p + 2]] = [Math.round(r), Math.round(g), Math.round(b)];
    }
  }
  return out;
}

/**
 * Draws one overlay.
 * @returns the PNG and its size: the image enlarged by {@link pixelScale}
 *   (centred when narrower than `minWidth`), with the caption and legend below.
 * @throws naming the problem: a raster whose buffer does not match its shape,
 *   an image of other than 1 or 3 channels, a map of other than 1 channel,
 *   a map value that is not finite (or outside [0, 1] with `mapScale: 'absolute'`),
 *   a box that is not ordered, a probability outside [0, 1].
 */
export async function saliencyOverlayPng(
  overlay: SaliencyOverlay,
  config: Partial<SaliencyOverlayConfig> = {},
): Promise<OverlayPng> {
  const cfg: SaliencyOverlayConfig = { ...DEFAULT_SALIENCY_OVERLAY_CONFIG, ...config };
  const { image, map } = overlay;
  checkRaster(image, 'saliencyOverlayPng: image');
  if (image.channels !== 1 && image.channels !== 3)
    throw new Error(`saliencyOverlayPng: image must have 1 or 3 channels, got ${image.channels}`);
  if (map) {
    checkRaster(map, 'saliencyOverlayPng: map');
    if (map.channels !== 1)
      throw new Error(`saliencyOverlayPng: map must have 1 channel, got ${map.channels}`);
  }
  if (cfg.mapScale !== 'absolute' && cfg.mapScale !== 'max')
    throw new Error(
      `saliencyOverlayPng: mapScale must be 'absolute' or 'max', got '${String(cfg.mapScale)}'`,
    );
  (overlay.boxes ?? []).forEach((b, i) => assertBox(b.box, `saliencyOverlayPng: box ${i}`));
  const values = map ? scaledMap(map, cfg.mapScale) : undefined;

  const k = pixelScale(image.height, image.width, cfg.displaySize);
  const [iw, ih] = [image.width * k, image.height * k];
  const width = Math.max(iw, cfg.minWidth);
  const left = Math.floor((width - iw) / 2);

  const boxes: { box: Box; colour: string; dashed: boolean; label?: string }[] = (
    overlay.boxes ?? []
  ).map((b) => ({ box: b.box, colour: b.colour ?? cfg.boxColour, dashed: false, label: b.label }));
  if (map && overlay.salientBox) {
    const box = salientBoxOf(map, image, overlay.salientBox);
    if (box !== null)
      boxes.push({ box, colour: cfg.salientBoxColour, dashed: true, label: 'salient box' });
  }
  const rects = boxes.map(({ box, colour, dashed }) => {
    // The 2-pixel outline runs just outside the box, hiding none of its pixels; where the box touches the image's edge, just inside that edge.
    const clip = (v: number, hi: number) => Math.min(Math.max(v, 1), hi - 1);
    const [x0, y0, x1, y1] = [
      clip(box.x0 * k - 1, iw),
      clip(box.y0 * k - 1, ih),
      clip(box.x1 * k + 1, iw),
      clip(box.y1 * k + 1, ih),
    ];
    const dash = dashed ? ' stroke-dasharray="8 4"' : '';
    return `<rect x="${left + x0}" y="${y0}" width="${Math.max(0, x1 - x0)}" height="${Math.max(0, y1 - y0)}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`;
  });

  const lineHeight = Math.round(cfg.fontSize * 1.4);
  const captionLines =
    overlay.caption === undefined
      ? []
      : wrapText(formatCaption(overlay.caption), width - 2 * PADDING, cfg.fontSize);
  const captionTop = ih + PADDING;
  const text = captionLines.map((line, i) =>
    svgText(line, PADDING, captionTop + i * lineHeight + cfg.fontSize, cfg.fontSize),
  );
  const items: LegendItem[] = [];
  if (cfg.legend && map)
    items.push({
      kind: 'scale',
      stops: cfg.colourScale,
      label: cfg.mapScale === 'max' ? 'map 0 … max' : 'map 0 … 1',
    });
  if (cfg.legend) {
    for (const b of boxes) {
      if (b.label !== undefined && !items.some((i) => i.label === b.label))
        items.push({ kind: 'box', colour: b.colour, dashed: b.dashed, label: b.label });
    }
  }
  const legendTop = captionTop + captionLines.length * lineHeight;
  const legend = legendSvg(
    items,
    PADDING,
    legendTop,
    width - 2 * PADDING,
    cfg.fontSize - 2,
    'overlay',
  );
  const below = captionLines.length * lineHeight + legend.height;
  const height = ih + (below > 0 ? below + 2 * PADDING : 0);

  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${rects.join('')}${text.join('')}${legend.svg}</svg>`;
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([
      {
        input: blendedPixels(image, map, values, k, cfg.colourScale),
        raw: { width: iw, height: ih, channels: 3 },
        left,
        top: 0,
      },
      { input: Buffer.from(svg), left: 0, top: 0 },
    ])
    .png()
    .toBuffer();
  return { png, width, height };
}

/**
 * Draws one overlay ({@link saliencyOverlayPng}) and writes it to `file`, creating folders.
 * @returns the PNG written and its size.
 */
export async function writeSaliencyOverlay(
  file: string,
  overlay: SaliencyOverlay,
  config: Partial<SaliencyOverlayConfig> = {},
): Promise<OverlayPng> {
  return writeOverlayPng(file, await saliencyOverlayPng(overlay, config));
}

/** Writes a rendered PNG to `file`, creating folders; returns it. */
export async function writeOverlayPng(file: string, out: OverlayPng): Promise<OverlayPng> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await fs.promises.writeFile(file, out.png);
  return out;
}
