/**
 * Builds the browser page (web/): bundles web/src/main.ts with esbuild and
 * copies the page, its style sheet and the wasm backend's binaries into
 * web/dist/ (ignored by git), which lib/web/web-server.ts serves.
 *
 * The page imports the kit's browser-safe modules. Some of them import Node's
 * `fs`, `path` and `os` for functions the page never calls (Masker.save/load,
 * which the page replaces with Masker.fromSaved, the atomic file writer they
 * use, the Node engine's thread budget): those built-ins resolve to an empty
 * module, and a kit file's `require()` of a Node engine's package to a module
 * that throws; the build lists which kit files did either. Any other Node
 * import in the page's graph fails the build, naming the importer (packages
 * from node_modules bring their own browser replacements, which esbuild applies).
 */
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import * as esbuild from 'esbuild';

/** The page's source folder. */
export const WEB_DIR = path.resolve(__dirname, '..', '..', 'web');
/** Where the built page goes. */
export const WEB_DIST_DIR = path.join(WEB_DIR, 'dist');
/** Where the page looks for its generated clip (`clip/clip.json` under the served root). */
export const WEB_CLIP_DIR = path.join(WEB_DIST_DIR, 'clip');
/** Served path of the wasm backend's binaries. */
export const WASM_PATH = 'wasm/';

/** Node built-ins that become empty modules in the page: kit files use them only in functions the page does not call. */
const STUBBED_NODE_IMPORTS: readonly string[] = ['fs', 'path', 'os'];

const ROOT = path.resolve(WEB_DIR, '..');

/** esbuild plugin: kit files' `require()` calls and the stubbed Node built-ins become stand-in modules (importers noted in `stubbed`); any other built-in is an error. */
function nodeImports(stubbed: Set<string>): esbuild.Plugin {
  return {
    name: 'node-imports',
    setup(build) {
      const builtins = new Set(builtinModules);
      // A kit file's require() loads a Node engine's package when the kit starts
      // that engine (lib/engine/backend.ts), which the page never does; bundled,
      // it would turn the package and its imports (tfjs) into lazily initialised
      // copies, so it becomes a module that throws.
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'require-call') return undefined;
        const importer = path.relative(ROOT, args.importer);
        if (importer.startsWith('node_modules')) return undefined;
        stubbed.add(importer);
        return { path: args.path, namespace: 'node-require' };
      });
      build.onLoad({ filter: /.*/, namespace: 'node-require' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is a Node package, not loaded in the browser page`)});`,
        loader: 'js',
      }));
      build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
        const name = args.path.replace(/^node:/, '');
        if (!builtins.has(name)) return undefined;
        const importer = path.relative(ROOT, args.importer);
        // Packages declare their own browser replacements (package.json "browser"); esbuild applies them.
        if (importer.startsWith('node_modules')) return undefined;
        if (STUBBED_NODE_IMPORTS.includes(name)) {
          stubbed.add(importer);
          return { path: name, namespace: 'node-stub' };
        }
        return {
          errors: [
            { text: `${importer} imports Node's '${name}', which the browser page cannot load` },
          ],
        };
      });
      build.onLoad({ filter: /.*/, namespace: 'node-stub' }, () => ({
        contents: 'export {};',
        loader: 'js',
      }));
    },
  };
}

/** What {@link buildWeb} wrote. */
export interface WebBuild {
  outdir: string;
  /** Size of the bundled script, bytes. */
  bundleBytes: number;
  /** Seconds the build took. */
  seconds: number;
  /** Kit files whose Node imports became empty modules, or whose `require()` calls became modules that throw. */
  stubbedNodeImporters: string[];
}

/**
 * Builds the page into `outdir` (default web/dist/), leaving a clip folder there as it is.
 * @throws esbuild's errors, naming the file and line.
 */
export async function buildWeb(outdir = WEB_DIST_DIR): Promise<WebBuild> {
  const start = performance.now();
  fs.mkdirSync(outdir, { recursive: true });
  const bundle = path.join(outdir, 'main.js');
  const stubbed = new Set<string>();
  await esbuild.build({
    entryPoints: [path.join(WEB_DIR, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome113',
    outfile: bundle,
    sourcemap: true,
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [nodeImports(stubbed)],
  });
  for (const file of ['index.html', 'style.css'])
    fs.copyFileSync(path.join(WEB_DIR, file), path.join(outdir, file));
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  fs.mkdirSync(path.join(outdir, WASM_PATH), { recursive: true });
  for (const file of fs.readdirSync(path.join(wasmDir, 'dist')).filter((f) => f.endsWith('.wasm')))
    fs.copyFileSync(path.join(wasmDir, 'dist', file), path.join(outdir, WASM_PATH, file));
  return {
    outdir,
    bundleBytes: fs.statSync(bundle).size,
    seconds: (performance.now() - start) / 1000,
    stubbedNodeImporters: [...stubbed].sort(),
  };
}
