/**
 * Shows figures in a tslab notebook, offline: the first figure of a kernel
 * session sends the inlined plotly.js bundle (from `plotly.js-dist-min`, no
 * CDN) together with itself; later figures only send their own JSON and a
 * few lines that draw it with the `window.Plotly` the first one defined.
 * An executed notebook therefore carries the bundle (≈ 4.7 MB) once, whatever
 * the number of figures.
 *
 * Usage in a notebook cell:
 * ```ts
 * import { showFigure } from '../lib/plot/notebook-display';
 * showFigure(lineChartFigure([{ name: 'loss', y: losses }]));
 * ```
 */
import { plotlyScriptTag } from './plotly-bundle';
import type { Figure } from './types';

/** Where HTML goes: tslab's `display` (the default) or anything with the same `html` method. */
export interface HtmlDisplay {
  html(s: string): void;
}

/** Options of {@link showFigure}. */
export interface ShowFigureOptions {
  /** Default: `require('tslab').display`, loaded on first use. */
  display?: HtmlDisplay;
  /** Plotly's config: show the mode bar; default false (figures are for reading). */
  modeBar?: boolean;
}

/** Kernel-wide state under a global symbol, so that a module loaded twice still shares it. */
interface NotebookPlotlyState {
  bundleSent: boolean;
  figures: number;
}
const STATE_KEY = Symbol.for('saliency-kit/notebook-plotly');
function state(): NotebookPlotlyState {
  const g = globalThis as { [STATE_KEY]?: NotebookPlotlyState };
  g[STATE_KEY] ??= { bundleSent: false, figures: 0 };
  return g[STATE_KEY];
}

/** JSON safe to place inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/<\//g, '<\\/')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The HTML of one figure: an empty `<div>` and a script that draws the figure
 * into it once `window.Plotly` exists (it polls for up to 10 s, then writes
 * what to do into the div).
 * @param id the div's id, unique in the page.
 * @param modeBar show Plotly's mode bar (zoom, export); default false.
 */
export function figureHtml(figure: Figure, id: string, modeBar = false): string {
  const config = scriptJson({ displaylogo: false, displayModeBar: modeBar, responsive: false });
  return [
    `<div id="${id}" class="saliency-kit-figure"></div>`,
    '<script type="text/javascript">',
    '(function () {',
    `  var figure = ${scriptJson(figure)}, tries = 0;`,
    '  function draw() {',
    `    var div = document.getElementById(${JSON.stringify(id)});`,
    `    if (window.Plotly && div) { window.Plotly.newPlot(div, figure.data, figure.layout, ${config}); return; }`,
    '    if (++tries < 200) { setTimeout(draw, 50); return; }',
    "    if (div) div.textContent = 'plotly.js is not loaded in this page: call resetNotebookPlotly() and run the cell again.';",
    '  }',
    '  draw();',
    '})();',
    '</script>',
  ].join('\n');
}

/**
 * Displays a figure in the notebook; the first call of the kernel session
 * also sends the plotly.js bundle.
 */
export function showFigure(figure: Figure, options: ShowFigureOptions = {}): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- tslab exists only inside a notebook kernel
  const display = options.display ?? (require('tslab') as { display: HtmlDisplay }).display;
  const s = state();
  const id = `saliency-kit-figure-${process.pid}-${++s.figures}`;
  const bundle = s.bundleSent ? '' : `${plotlyScriptTag()}\n`;
  display.html(bundle + figureHtml(figure, id, options.modeBar ?? false));
  s.bundleSent = true;
}

/**
 * Forgets that the bundle was sent, so the next {@link showFigure} sends it
 * again: for a live kernel whose outputs were cleared (the bundle went with them).
 */
export function resetNotebookPlotly(): void {
  state().bundleSent = false;
}
