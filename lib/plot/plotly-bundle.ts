/**
 * The plotly.js browser bundle, read from the project's own
 * `plotly.js-dist-min` package so that figures render with no network (no
 * CDN): notebooks inline it once, the PNG exporter loads it into headless
 * Chromium. Reading it is the only I/O here, done on first use and cached.
 */
import * as fs from 'fs';

/** The npm package that ships the bundle. */
export const PLOTLY_PACKAGE = 'plotly.js-dist-min';

let cached: string | undefined;

/**
 * Absolute path of `plotly.min.js`, resolved like `require` would from this file.
 * @throws naming the package and `npm ci` when it is not installed.
 */
export function plotlyBundlePath(): string {
  try {
    return require.resolve(PLOTLY_PACKAGE);
  } catch {
    throw new Error(
      `the plotly.js bundle was not found: npm package ${PLOTLY_PACKAGE} is missing; run \`npm ci\` in the repository`,
    );
  }
}

/** The bundle's JavaScript source (about 4.7 MB), read once per process. */
export function plotlyBundleSource(): string {
  cached ??= fs.readFileSync(plotlyBundlePath(), 'utf8');
  return cached;
}

/** The version of the installed bundle, e.g. `'4.1.2'`. */
export function plotlyVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a package's own JSON, resolved at run time
  return (require(`${PLOTLY_PACKAGE}/package.json`) as { version: string }).version;
}

/**
 * The bundle as an inline `<script>` element. `</script` inside the source
 * is escaped so the element cannot end early.
 */
export function plotlyScriptTag(): string {
  return `<script type="text/javascript">${plotlyBundleSource().replace(/<\/script/gi, '<\\/script')}</script>`;
}
