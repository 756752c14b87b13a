/**
 * The small part of Plotly's figure schema the kit's builders emit, typed
 * here so that `lib/plot` needs no Plotly package at compile time. A
 * {@link Figure} is plain JSON: `Plotly.newPlot(div, figure.data, figure.layout)`
 * draws it in a browser, and `JSON.stringify` carries it anywhere.
 * Reference: https://plotly.com/javascript/reference/ (field names match it).
 */

/** Fields every trace kind shares. */
export interface TraceBase {
  /** Legend and hover name. */
  name?: string;
  /** Axes this trace is drawn on; default `'x'` / `'y'`. */
  xaxis?: string;
  yaxis?: string;
  showlegend?: boolean;
  /** Traces with the same group toggle together in the legend. */
  legendgroup?: string;
  opacity?: number;
  hovertemplate?: string;
}

/** An RGB image: `z[row][col] = [r, g, b]` with channels in 0..255; pixel (0, 0) at the top left. */
export interface ImageTrace extends TraceBase {
  type: 'image';
  z: number[][][];
  /** Colour model of `z`; the builders use `'rgb'`. */
  colormodel?: 'rgb' | 'rgba';
  /** Data coordinates of pixel (0, 0)'s centre and the pixel pitch. */
  x0?: number;
  y0?: number;
  dx?: number;
  dy?: number;
}

/** A named Plotly colour scale or explicit `[fraction, colour]` stops. */
export type ColorScale = string | [number, string][];

/** A heat map: `z[row][col]`; optional `x`/`y` labels or a regular grid `x0`, `dx`, `y0`, `dy`. */
export interface HeatmapTrace extends TraceBase {
  type: 'heatmap';
  z: (number | null)[][];
  x?: (number | string)[];
  y?: (number | string)[];
  x0?: number;
  y0?: number;
  dx?: number;
  dy?: number;
  zmin?: number;
  zmax?: number;
  colorscale?: ColorScale;
  showscale?: boolean;
  colorbar?: { title?: { text: string }; len?: number; thickness?: number };
  /** Cell labels drawn with `texttemplate`. */
  text?: string[][];
  texttemplate?: string;
}

/** Lines and/or markers. */
export interface ScatterTrace extends TraceBase {
  type: 'scatter';
  x: number[];
  y: number[];
  mode: 'lines' | 'markers' | 'lines+markers';
  line?: { color?: string; width?: number; dash?: 'solid' | 'dash' | 'dot' };
}

/** Bars, one per category of `x`. */
export interface BarTrace extends TraceBase {
  type: 'bar';
  x: string[];
  y: number[];
  text?: string[];
  textposition?: 'auto' | 'outside' | 'inside' | 'none';
  /** Rotation of the bar labels in degrees (-90: vertical). */
  textangle?: number;
  textfont?: { size?: number };
  /** false: labels above the value axis's range are drawn, not clipped. */
  cliponaxis?: boolean;
  marker?: { color?: string };
}

/**
 * Box plots: from raw values `y` (one box per trace), or precomputed, one box
 * per entry of `x` with the statistics in `q1`, `median`, `q3`,
 * `lowerfence`, `upperfence` (and optionally `mean`) at the same index.
 */
export interface BoxTrace extends TraceBase {
  type: 'box';
  y?: number[];
  x?: string[];
  q1?: number[];
  median?: number[];
  q3?: number[];
  lowerfence?: number[];
  upperfence?: number[];
  mean?: number[];
  /** `'outliers'` shows points beyond the whiskers; `false` none. */
  boxpoints?: 'all' | 'outliers' | false;
  boxmean?: boolean;
  marker?: { color?: string };
}

/** A histogram of raw values. */
export interface HistogramTrace extends TraceBase {
  type: 'histogram';
  x: number[];
  xbins?: { start: number; end: number; size: number };
  histnorm?: '' | 'probability' | 'percent';
  marker?: { color?: string };
}

/** Every trace kind the builders emit. */
export type Trace = ImageTrace | HeatmapTrace | ScatterTrace | BarTrace | BoxTrace | HistogramTrace;

/** A layout axis. */
export interface Axis {
  title?: { text: string };
  /** The fraction of the plotting area the axis spans, `[start, end]` in [0, 1]. */
  domain?: [number, number];
  /** Another axis this one scales with, e.g. `'x2'` to keep pixels square. */
  scaleanchor?: string;
  scaleratio?: number;
  /** The axis the other direction is drawn against. */
  anchor?: string;
  range?: [number, number];
  autorange?: boolean | 'reversed';
  type?: 'linear' | 'log' | 'category';
  visible?: boolean;
  showgrid?: boolean;
  zeroline?: boolean;
  showticklabels?: boolean;
  ticks?: '' | 'outside' | 'inside';
  constrain?: 'range' | 'domain';
}

/** A rectangle drawn on axes (boxes). */
export interface RectShape {
  type: 'rect';
  xref: string;
  yref: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  line: { color: string; width: number; dash?: 'solid' | 'dash' | 'dot' };
  fillcolor?: string;
}

/** A text label placed in axis or paper coordinates. */
export interface Annotation {
  text: string;
  xref: string;
  yref: string;
  x: number;
  y: number;
  showarrow: boolean;
  xanchor?: 'left' | 'center' | 'right';
  yanchor?: 'top' | 'middle' | 'bottom';
  font?: { size?: number; color?: string };
}

/**
 * Figure layout. Besides the named fields it holds the numbered axes
 * (`xaxis2`, `yaxis2`, …), hence the index signature.
 */
export interface Layout {
  title?: { text: string };
  width?: number;
  height?: number;
  margin?: { l: number; r: number; t: number; b: number };
  showlegend?: boolean;
  legend?: { orientation?: 'h' | 'v'; x?: number; y?: number };
  barmode?: 'group' | 'stack' | 'overlay';
  boxmode?: 'group' | 'overlay';
  shapes?: RectShape[];
  annotations?: Annotation[];
  xaxis?: Axis;
  yaxis?: Axis;
  [axis: `xaxis${number}` | `yaxis${number}`]: Axis | undefined;
}

/** A whole figure: what `Plotly.newPlot(div, data, layout)` takes. */
export interface Figure {
  data: Trace[];
  layout: Layout;
}
