/**
 * PNG files of figures, rendered offline by Debian's headless Chromium
 * driven with playwright-core: one page loads the inlined plotly.js bundle
 * (no network), then `Plotly.toImage` turns each figure into a PNG at the
 * figure's own size (`layout.width × layout.height`) times `scale`.
 *
 * ```ts
 * const exporter = await PngExporter.launch();
 * try { await exporter.write(figure, 'results/figures/loss.png'); } finally { await exporter.close(); }
 * ```
 */
import * as fs from 'fs';
import * as path from 'path';
import { chromium, Browser, Page } from 'playwright-core';
import { plotlyBundleSource } from './plotly-bundle';
import type { Figure } from './types';

/** The Debian package that provides the browser. */
export const CHROMIUM_PACKAGE = 'chromium';
/** Where Debian's `chromium` package puts the browser. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
/** Flags for a headless run with no sandbox, GPU or network side traffic. */
export const CHROMIUM_FLAGS: readonly string[] = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]);

/** Options of {@link PngExporter.launch}. */
export interface PngExportConfig {
  /** The browser binary; default `$CHROMIUM_PATH`, else {@link DEFAULT_CHROMIUM_PATH}. */
  chromiumPath: string;
  /** Pixel ratio: the PNG is `scale ×` the figure's size; default 1. */
  scale: number;
  /** Figure size used when the layout has no `width` / `height`; default 720 × 420. */
  defaultWidth: number;
  defaultHeight: number;
  /** Milliseconds allowed for launching and for each figure; default 60000. */
  timeoutMs: number;
}

/** The defaults of {@link PngExportConfig} (the browser path is read from the environment when launching). */
export const DEFAULT_PNG_EXPORT_CONFIG: Readonly<Omit<PngExportConfig, 'chromiumPath'>> =
  Object.freeze({
    scale: 1,
    defaultWidth: 720,
    defaultHeight: 420,
    timeoutMs: 60000,
  });

/** The error text for a browser binary that is not there: names the Debian package and the command. */
export function chromiumMissingMessage(chromiumPath: string): string {
  return (
    `headless Chromium not found at ${chromiumPath}: PNG export needs the Debian package '${CHROMIUM_PACKAGE}'. ` +
    `Install it with: sudo apt-get update && sudo apt-get install -y ${CHROMIUM_PACKAGE} ` +
    '(or set CHROMIUM_PATH to another Chromium binary)'
  );
}

/** The browser path from the environment or the default; undefined when no file is there. */
export function findChromium(
  chromiumPath = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH,
): string | undefined {
  return fs.existsSync(chromiumPath) ? chromiumPath : undefined;
}

/** A headless browser page holding plotly.js, turning figures into PNG bytes. Close it when done. */
export class PngExporter {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    /** The resolved options. */
    readonly config: PngExportConfig,
  ) {}

  /**
   * Starts the browser and loads plotly.js into a blank page.
   * @throws {@link chromiumMissingMessage} when the browser binary is missing.
   */
  static async launch(config: Partial<PngExportConfig> = {}): Promise<PngExporter> {
    const cfg: PngExportConfig = {
      chromiumPath: process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH,
      ...DEFAULT_PNG_EXPORT_CONFIG,
      ...config,
    };
    if (!fs.existsSync(cfg.chromiumPath)) throw new Error(chromiumMissingMessage(cfg.chromiumPath));
    const browser = await chromium.launch({
      executablePath: cfg.chromiumPath,
      args: [...CHROMIUM_FLAGS],
      timeout: cfg.timeoutMs,
    });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(cfg.timeoutMs);
      await page.setContent(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>',
      );
      await page.addScriptTag({ content: plotlyBundleSource() });
      await page.waitForFunction(
        () => typeof (globalThis as unknown as { Plotly?: unknown }).Plotly === 'object',
      );
      return new PngExporter(browser, page, cfg);
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /** The PNG of a figure, `round(width·scale) × round(height·scale)` pixels. */
  async render(figure: Figure): Promise<Buffer> {
    const width = figure.layout.width ?? this.config.defaultWidth;
    const height = figure.layout.height ?? this.config.defaultHeight;
    const dataUrl = await this.page.evaluate(
      async ({ figure, width, height, scale }) => {
        const plotly = (
          globalThis as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } }
        ).Plotly;
        return plotly.toImage(
          { data: figure.data, layout: figure.layout },
          { format: 'png', width, height, scale },
        );
      },
      { figure, width, height, scale: this.config.scale },
    );
    const prefix = 'data:image/png;base64,';
    if (!dataUrl.startsWith(prefix))
      throw new Error(`Plotly.toImage returned no PNG (got ${dataUrl.slice(0, 40)}…)`);
    return Buffer.from(dataUrl.slice(prefix.length), 'base64');
  }

  /** Renders a figure and writes it to `file` (folders created as needed). */
  async write(figure: Figure, file: string): Promise<void> {
    const png = await this.render(figure);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, png);
  }

  /** Closes the browser. */
  async close(): Promise<void> {
    await this.browser.close();
  }
}
