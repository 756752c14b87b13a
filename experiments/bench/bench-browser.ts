/**
 * Benchmarks the real-time saliency page (web/) in headless Chromium on each
 * backend (wasm, WebGL and WebGPU, the last two on SwiftShader: no GPU is
 * used here) and writes results/bench-browser.json, one row per backend and
 * view:
 *   framesPerSecond    the whole loop (frame in, black box, class choice,
 *                      masker, read-backs, drawing) over the generated clip,
 *                      every frame in order, as fast as it runs;
 *   maskerMsPerFrame   one masker call with its read-back, on one frame, and
 *                      the same on the kit's Node engine right after (the
 *                      machine is shared: compare the two, not across runs);
 *   maxAbsDiffVsNode   the page's mask for a fixed frame against the Node
 *                      masker's (lib/web/node-reference.ts);
 *   localisation       on the clip frames with an item: the share whose
 *                      salient box has IoU ≥ 0.5 with the true box (all, and
 *                      frames showing the item whole), and the share whose
 *                      top class is the item's; the counts per class.
 * The page's default clip has 4 items; on wasm the loop also runs a clip with
 * one item of every class (`--all-classes-items`), a larger sample of the
 * localisation.
 * Also a screenshot of the page on wasm, results/figures/web.png.
 *
 * Run: npx ts-node --transpile-only experiments/bench/bench-browser.ts
 *        [--gpu-frames N] [--masker-calls N] [--all-classes-items N] [--out FILE]
 */
import * as os from 'os';
import * as path from 'path';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import { initEngine } from '../../lib/engine/backend';
import { parsePositiveInteger, program, runMain } from '../../lib/commands/cli';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { CLIP_JSON, writeClipFiles } from '../../lib/video/clip-files';
import { DEFAULT_MOVING_CLIP_CONFIG, movingClip } from '../../lib/video/moving-clip';
import type { MaskerRecipe } from '../../lib/masker/masker-recipes';
import { NodeReference } from '../../lib/web/node-reference';
import { launchPageBrowser } from '../../lib/web/page-browser';
import { buildWeb, WEB_CLIP_DIR, WEB_DIST_DIR } from '../../lib/web/web-build';
import { serveWeb } from '../../lib/web/web-server';
import type { Browser, Page } from 'playwright-core';

const BLACK_BOX = 'plain';

/** One measured configuration. */
interface Row {
  backend: string;
  details: string;
  /** The committed masker's training recipe (lib/masker/masker-recipes.ts). */
  masker: MaskerRecipe;
  /** The salient region's threshold: mask > α × its mean (tuned with the masker). */
  alpha: number;
  /** `chosen class`: one mask per frame; `top 3`: the chosen class and the top 3 in one masker call. */
  view: 'chosen class' | 'top 3';
  /** Items crossing the clip (of different classes). */
  clipItems: number;
  framesPerSecond: number;
  framesMeasured: number;
  maskerMsPerFrame: number;
  /** The same masker call on the kit's Node engine, timed right after the page's. */
  nodeMaskerMsPerFrame: number;
  blackBoxMsPerFrame: number;
  /** Drawing the frame, masks, boxes and (a few times a second) the text. */
  drawMsPerFrame: number;
  /** Null on the second clip (the fixed frame is the default clip's). */
  maxAbsDiffVsNode: number | null;
  localisation: unknown;
}

/** Calls `window.saliencyPage[name](...args)` in the page. */
function call<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ({ name, args }) =>
      (
        globalThis as unknown as { saliencyPage: Record<string, (...a: unknown[]) => unknown> }
      ).saliencyPage[name](...args),
    { name, args },
  ) as Promise<T>;
}

async function main(): Promise<void> {
  const opts = program('Benchmark the real-time saliency page in headless Chromium')
    .option('--gpu-frames <n>', 'clip frames the loop runs on WebGL and WebGPU (SwiftShader)', '12')
    .option(
      '--masker-calls <n>',
      'masker calls timed on wasm (a tenth of them on SwiftShader)',
      '100',
    )
    .option(
      '--all-classes-items <n>',
      'items of the second clip run on wasm (10: one per class)',
      '10',
    )
    .option('--out <file>', 'results file', path.join(RESULTS_DIR, 'bench-browser.json'))
    .parse()
    .opts<{ gpuFrames: string; maskerCalls: string; allClassesItems: string; out: string }>();
  const gpuFrames = parsePositiveInteger(opts.gpuFrames, '--gpu-frames');
  const allItems = parsePositiveInteger(opts.allClassesItems, '--all-classes-items');
  const maskerCalls = parsePositiveInteger(opts.maskerCalls, '--masker-calls');
  await initEngine();
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  const built = await buildWeb();
  const data = new ClutteredFashionMnist({ split: 'test' });
  const clip = movingClip(data);
  writeClipFiles(WEB_CLIP_DIR, clip);
  const allClip = movingClip(data, { items: allItems });
  const allClipDir = path.join(WEB_DIST_DIR, `clip-${allItems}-items`);
  writeClipFiles(allClipDir, allClip);
  const frame = clip.truth.frames.findIndex((f) => f.items[0]?.whole);
  const cls = clip.truth.frames[frame].items[0].label;
  const nodes: Record<MaskerRecipe, NodeReference> = {
    'constant-a': await NodeReference.load(WEB_CLIP_DIR, BLACK_BOX, 'constant-a'),
    paper: await NodeReference.load(WEB_CLIP_DIR, BLACK_BOX, 'paper'),
  };
  // The Node masker's mask of the fixed frame, per recipe: what the page's must equal.
  const references = {
    'constant-a': nodes['constant-a'].explain(frame, cls),
    paper: nodes.paper.explain(frame, cls),
  };
  const server = await serveWeb();
  const browsers: Browser[] = [];
  const rows: Row[] = [];
  try {
    const browser = await launchPageBrowser({ webgpu: true });
    browsers.push(browser);
    const defaultClip = { items: DEFAULT_MOVING_CLIP_CONFIG.items, frames: clip.frames.length };
    const everyClass = {
      items: allItems,
      frames: allClip.frames.length,
      json: path.relative(WEB_DIST_DIR, path.join(allClipDir, CLIP_JSON)),
    };
    const runs: {
      backend: string;
      recipe: MaskerRecipe;
      top3: boolean;
      frames: number;
      clip: { items: number; frames: number; json?: string };
    }[] = [
      { backend: 'wasm', top3: false, frames: clip.frames.length, clip: defaultClip },
      { backend: 'wasm', top3: true, frames: clip.frames.length, clip: defaultClip },
      { backend: 'wasm', top3: false, frames: allClip.frames.length, clip: everyClass },
      { backend: 'webgl', top3: false, frames: gpuFrames, clip: defaultClip },
      { backend: 'webgpu', top3: false, frames: gpuFrames, clip: defaultClip },
    ].flatMap((run) => [
      { ...run, recipe: 'constant-a' as const },
      // The paper's recipe on wasm's one-class view: its localisation beside the default's.
      ...(run.backend === 'wasm' && !run.top3 ? [{ ...run, recipe: 'paper' as const }] : []),
    ]);
    for (const run of runs) {
      const page = await browser.newPage({ viewport: { width: 1000, height: 820 } });
      const query =
        `backend=${run.backend}&blackBox=${BLACK_BOX}&recipe=${run.recipe}&top3=${run.top3 ? 1 : 0}&step=1&play=0` +
        (run.clip.json ? `&clip=${encodeURIComponent(run.clip.json)}` : '');
      await page.goto(`${server.url}?${query}`);
      await page.waitForFunction('window.saliencyPage?.ready !== undefined');
      await page.evaluate('window.saliencyPage.ready');
      const status = await call<{
        backend: string;
        backendDetails: string;
        alpha: number;
        messages: unknown[];
      }>(page, 'status');
      if (status.backend !== run.backend)
        throw new Error(`${run.backend} did not start: ${JSON.stringify(status.messages)}`);
      // The fixed frame is the default clip's: the agreement is measured on it only.
      const got = run.clip.json
        ? undefined
        : await call<{ mask: number[] }>(page, 'explainClipFrame', frame, cls);
      const node = nodes[run.recipe];
      const reference = references[run.recipe];
      const maxAbsDiffVsNode =
        got?.mask.reduce((m, v, i) => Math.max(m, Math.abs(v - reference.mask[i])), 0) ?? null;
      const calls =
        run.backend === 'wasm' ? maskerCalls : Math.max(1, Math.round(maskerCalls / 10));
      const maskerMsPerFrame = await call<number>(page, 'maskerMs', calls);
      // The Node engine's time for the same call, measured right after: the machine is shared.
      const nodeMaskerMsPerFrame = node.maskerMs(frame, calls);
      await call(page, 'resetStats');
      await call(page, 'pause', false);
      const summary = await call<{
        frames: number;
        framesPerSecond: number;
        blackBoxMs: number;
        drawMs: number;
        localisation: unknown;
      }>(page, 'waitFrames', run.frames, 3600000);
      await call(page, 'pause', true);
      rows.push({
        backend: run.backend,
        masker: run.recipe,
        alpha: status.alpha,
        details: status.backendDetails,
        view: run.top3 ? 'top 3' : 'chosen class',
        clipItems: run.clip.items,
        framesPerSecond: summary.framesPerSecond,
        framesMeasured: summary.frames,
        maskerMsPerFrame,
        nodeMaskerMsPerFrame,
        blackBoxMsPerFrame: summary.blackBoxMs,
        drawMsPerFrame: summary.drawMs,
        maxAbsDiffVsNode,
        localisation: summary.localisation,
      });
      console.log(JSON.stringify(rows[rows.length - 1]));
      if (run.backend === 'wasm' && run.top3) {
        await call(page, 'showClipFrame', frame);
        await page.screenshot({
          path: path.join(RESULTS_DIR, 'figures', 'web.png'),
          fullPage: true,
        });
      }
      await page.close();
    }
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
    await server.close();
    for (const node of Object.values(nodes)) node.dispose();
  }
  writeJsonAtomic(opts.out, {
    config: {
      blackBox: BLACK_BOX,
      clip: { ...DEFAULT_MOVING_CLIP_CONFIG, frames: clip.frames.length },
      allClassesClip: { ...allClip.truth.config, frames: allClip.frames.length },
      fixedFrame: { index: frame, class: cls },
      gpuFrames,
      maskerCalls,
      note: 'WebGL and WebGPU run on SwiftShader (the CPU): no GPU hardware was used',
    },
    rows,
    machine: { loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() },
    bundleBytes: built.bundleBytes,
    run: runMetadata(startedAt),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
  });
  console.log(`wrote ${path.relative(process.cwd(), opts.out)}`);
}

runMain(main);
