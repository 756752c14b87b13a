/**
 * Builds the browser page (web/) and serves it on localhost: the real-time
 * saliency page of Dabkowski & Gal (2017), §6's video application, on
 * WebGPU, WebGL or wasm. Makes the generated clip first when it is missing.
 * `npm run web` runs it; it prints the address and serves until stopped.
 *
 * Run: npx ts-node --transpile-only experiments/tools/web.ts [--port N] [--host H]
 */
import * as fs from 'fs';
import * as path from 'path';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import { parseNonNegativeInteger, program, runMain } from '../../lib/commands/cli';
import { CLIP_JSON, writeClipFiles } from '../../lib/video/clip-files';
import { movingClip } from '../../lib/video/moving-clip';
import { buildWeb, WEB_CLIP_DIR } from '../../lib/web/web-build';
import { serveWeb } from '../../lib/web/web-server';

async function main(): Promise<void> {
  const opts = program('Build the real-time saliency page and serve it on localhost')
    .option('--port <n>', 'port (0: any free one)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .parse()
    .opts<{ port: string; host: string }>();
  const port = parseNonNegativeInteger(opts.port, '--port');
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
  const server = await serveWeb({ port, host: opts.host });
  console.log(`the page is at ${server.url} (Ctrl-C stops the server)`);
}

runMain(main);
