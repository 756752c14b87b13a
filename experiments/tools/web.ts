/**
 * Builds the browser page (web/) and serves it on localhost: the real-time
 * saliency page of Dabkowski & Gal (2017), §6's video application, on
 * WebGPU, WebGL or wasm. Makes the generated clip first when it is missing.
 * `npm run web` runs it; it prints the address and serves until stopped.
 * With `--model` and `--masker` it also serves a user's own TF.js model and
 * the masker trained for it (train-masker --model), and prints the address
 * that opens the page on them.
 *
 * Run: npx ts-node --transpile-only experiments/tools/web.ts [--port N] [--host H]
 *   [--model my-model/model.json --masker results/maskers/models/my-model]
 */
import * as fs from 'fs';
import * as path from 'path';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import { UserError } from '../../lib/core/user-error';
import { parseFolder, parseNonNegativeInteger, program, runMain } from '../../lib/commands/cli';
import { resolveModelJsonPath } from '../../lib/io/file-io-handler';
import { CLIP_JSON, writeClipFiles } from '../../lib/video/clip-files';
import { movingClip } from '../../lib/video/moving-clip';
import { buildWeb, WEB_CLIP_DIR } from '../../lib/web/web-build';
import { serveWeb, USER_FOLDERS_PATH } from '../../lib/web/web-server';

async function main(): Promise<void> {
  const opts = program('Build the real-time saliency page and serve it on localhost')
    .option('--port <n>', 'port (0: any free one)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--model <path>', 'your TF.js classifier: its model.json or the folder holding it')
    .option('--masker <dir>', 'the masker trained for it (train-masker --model output folder)')
    .parse()
    .opts<{ port: string; host: string; model?: string; masker?: string }>();
  const port = parseNonNegativeInteger(opts.port, '--port');
  if ((opts.model === undefined) !== (opts.masker === undefined))
    throw new UserError(
      '--model and --masker go together: your model and the masker trained for it',
    );
  const modelJson = opts.model === undefined ? undefined : resolveModelJsonPath(opts.model);
  if (modelJson !== undefined && !fs.existsSync(modelJson))
    throw new UserError(`--model ${opts.model}: no ${modelJson}`);
  const maskerDir =
    opts.masker === undefined
      ? undefined
      : parseFolder(opts.masker, '--masker', 'masker.json and masker.weights.bin');
  const built = await buildWeb();
  console.log(
    `built ${path.relative(process.cwd(), built.outdir)} in ${built.seconds.toFixed(1)} s (${(built.bundleBytes / 1e6).toFixed(1)} MB script)`,
  );
  if (!fs.existsSync(path.join(WEB_CLIP_DIR, CLIP_JSON))) {
    const written = writeClipFiles(
      WEB_CLIP_DIR,
      movingClip(new ClutteredFashionMnist({ split: 'test' })),
    );
    console.log(`made the generated clip: ${path.relative(process.cwd(), written.video)}`);
  }
  const userFolders: Record<string, string> =
    modelJson && maskerDir ? { model: path.dirname(modelJson), masker: maskerDir } : {};
  const server = await serveWeb({ port, host: opts.host, userFolders });
  const query = modelJson
    ? `?model=${USER_FOLDERS_PATH}model/${encodeURIComponent(path.basename(modelJson))}&masker=${USER_FOLDERS_PATH}masker/`
    : '';
  console.log(`the page is at ${server.url}${query} (Ctrl-C stops the server)`);
}

runMain(main);
