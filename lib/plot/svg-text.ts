/**
 * Text for PNG figures drawn with sharp: SVG `<text>` elements composited
 * over the pixels (librsvg renders them with the system's fonts), and the
 * line breaking they need, since SVG does not wrap text. Widths are
 * estimated from the font size ({@link CHARACTER_WIDTH_EM}), not measured.
 */

/** The font of figure text: DejaVu Sans (installed with Debian's fonts), else any sans-serif. */
export const FIGURE_FONT = "'DejaVu Sans', sans-serif";

/** An upper estimate of DejaVu Sans' mean character width, in em, for line breaking. */
export const CHARACTER_WIDTH_EM = 0.6;

/** Escapes `&`, `<`, `>` and `"` for SVG text and attribute values. */
export function escapeSvgText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** The estimated width in pixels of `text` at `fontSize`. */
export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * CHARACTER_WIDTH_EM;
}

/**
 * Breaks `text` into lines at most `width` pixels wide (estimated), at spaces
 * where possible; a word longer than a line is cut.
 */
export function wrapText(text: string, width: number, fontSize: number): string[] {
  const perLine = Math.max(1, Math.floor(width / (fontSize * CHARACTER_WIDTH_EM)));
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter((w) => w !== '')) {
    while (word.length > perLine) {
      if (line !== '') lines.push(line);
      lines.push(word.slice(0, perLine));
      word = word.slice(perLine);
      line = '';
    }
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= perLine) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** One `<text>` element with its baseline at (x, y). */
export function svgText(
  text: string,
  x: number,
  y: number,
  fontSize: number,
  options: { fill?: string; anchor?: 'start' | 'middle'; bold?: boolean } = {},
): string {
  const weight = options.bold ? ' font-weight="bold"' : '';
  return `<text x="${x}" y="${y}" font-family="${escapeSvgText(FIGURE_FONT)}" font-size="${fontSize}"${weight} fill="${options.fill ?? '#222'}" text-anchor="${options.anchor ?? 'start'}">${escapeSvgText(text)}</text>`;
}
