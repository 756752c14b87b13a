/**
 * The legend line of the saliency overlays (`lib/plot/saliency-overlay.ts`,
 * `lib/plot/contact-sheet.ts`): a colour bar of the map's colour scale, drawn
 * on white as the overlay blends it, and one outline key per kind of box,
 * laid out left to right and wrapped to the width available. SVG, to be
 * composited by sharp.
 */
import { ColourStops, parseColour } from './colour-scale';
import { svgText, textWidth } from './svg-text';

/** One legend entry: a colour bar, or a box outline (dashed for a box derived from the map). */
export type LegendItem =
  | { kind: 'scale'; stops: ColourStops; label: string }
  | { kind: 'box'; colour: string; dashed: boolean; label: string };

/** Width in pixels of a legend entry's symbol (colour bar or box key) and the gaps around it. */
const SYMBOL = { scale: 48, box: 16, gap: 5, spacing: 14 };

/**
 * The legend as SVG elements.
 * @param x left edge and `y` top edge of the legend, in pixels of the SVG.
 * @param width the width available; entries that do not fit start a new line.
 * @param id a prefix for the colour bar's gradient id, unique within the SVG.
 * @returns the elements and the legend's height (0 for no items).
 */
export function legendSvg(
  items: readonly LegendItem[],
  x: number,
  y: number,
  width: number,
  fontSize: number,
  id: string,
): { svg: string; height: number } {
  const lineHeight = Math.round(fontSize * 1.5);
  const parts: string[] = [];
  let [cx, line] = [x, 0];
  items.forEach((item, k) => {
    const symbol = SYMBOL[item.kind];
    const itemWidth = symbol + SYMBOL.gap + textWidth(item.label, fontSize);
    if (cx > x && cx + itemWidth > x + width) [cx, line] = [x, line + 1];
    const top = y + line * lineHeight;
    const [sy, sh] = [top + Math.round(fontSize * 0.25), Math.round(fontSize * 0.8)];
    if (item.kind === 'scale') {
      const gradient = `${id}-scale-${k}`;
      const stops = item.stops
        .map(([f, c]) => {
          const [r, g, b, a] = parseColour(c);
          return `<stop offset="${f}" stop-color="rgb(${r},${g},${b})" stop-opacity="${a}"/>`;
        })
        .join('');
      parts.push(
        `<defs><linearGradient id="${gradient}" x1="0" x2="1" y1="0" y2="0">${stops}</linearGradient></defs>`,
      );
      parts.push(
        `<rect x="${cx}" y="${sy}" width="${symbol}" height="${sh}" fill="url(#${gradient})" stroke="#999" stroke-width="1"/>`,
      );
    } else {
      const dash = item.dashed ? ' stroke-dasharray="4 2"' : '';
      parts.push(
        `<rect x="${cx + 1}" y="${sy}" width="${symbol - 2}" height="${sh}" fill="none" stroke="${item.colour}" stroke-width="2"${dash}/>`,
      );
    }
    parts.push(svgText(item.label, cx + symbol + SYMBOL.gap, top + fontSize, fontSize));
    cx += itemWidth + SYMBOL.spacing;
  });
  return { svg: parts.join(''), height: items.length === 0 ? 0 : (line + 1) * lineHeight };
}
