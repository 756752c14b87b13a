/**
 * Colour scales evaluated in code, for figures drawn pixel by pixel (the
 * PNG overlays of `lib/plot/saliency-overlay.ts`): the same
 * `[fraction, colour]` stops that Plotly figures take (e.g. `MASK_COLOR_SCALE`
 * of `lib/plot/image-grid.ts`), so both kinds of figure colour a mask alike.
 */

/** A colour: red, green, blue in 0..255 and alpha (opacity) in [0, 1]. */
export type Rgba = readonly [number, number, number, number];

/** Colour stops `[fraction, colour]`, fractions rising from 0 to 1; colours as `#rrggbb`, `rgb(r, g, b)` or `rgba(r, g, b, a)`. */
export type ColourStops = readonly (readonly [number, string])[];

/**
 * Parses `#rrggbb`, `rgb(r, g, b)` or `rgba(r, g, b, a)`.
 * @throws naming the text when it is none of these.
 */
export function parseColour(text: string): Rgba {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text.trim());
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16), 1];
  const fn = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/i.exec(
    text.trim(),
  );
  if (fn) {
    const [r, g, b] = [fn[1], fn[2], fn[3]].map(Number);
    const a = fn[4] === undefined ? 1 : Number(fn[4]);
    if ([r, g, b].every((v) => v <= 255) && a <= 1) return [r, g, b, a];
  }
  throw new Error(
    `colour '${text}' is not #rrggbb, rgb(r, g, b) or rgba(r, g, b, a) with channels in 0..255 and alpha in [0, 1]`,
  );
}

/**
 * The colour of each value in [0, 1] (values outside are clipped): linear
 * interpolation of every channel, alpha included, between the two stops around it.
 * @throws when there are fewer than two stops, the fractions do not rise from
 *   0 to 1, or a colour does not parse.
 */
export function colourScale(stops: ColourStops): (value: number) => Rgba {
  if (stops.length < 2)
    throw new Error(`a colour scale needs at least two stops, got ${stops.length}`);
  const rising = stops.every(([f], i) => i === 0 || f > stops[i - 1][0]);
  if (stops[0][0] !== 0 || stops[stops.length - 1][0] !== 1 || !rising) {
    throw new Error(
      `colour scale fractions must rise from 0 to 1, got ${stops.map(([f]) => f).join(', ')}`,
    );
  }
  const parsed = stops.map(([f, c]) => [f, parseColour(c)] as const);
  return (value) => {
    const v = Math.min(1, Math.max(0, value));
    let k = 1;
    while (k < parsed.length - 1 && parsed[k][0] < v) k++;
    const [[f0, c0], [f1, c1]] = [parsed[k - 1], parsed[k]];
    const t = (v - f0) / (f1 - f0);
    return [0, 1, 2, 3].map((i) => c0[i] + t * (c1[i] - c0[i])) as unknown as Rgba;
  };
}
