import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { Browser, Page } from 'playwright-core';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import { encoderFor } from '../../lib/encoders/encoder-for';
import { fileSystemHandler } from '../../lib/io/file-io-handler';
import { Masker } from '../../lib/masker/masker';
import type { MaskerRecipe } from '../../lib/masker/masker-recipes';
import { CHROMIUM_PACKAGE, findChromium } from '../../lib/plot/png-export';
import { CLIP_Y4M, writeClipFiles } from '../../lib/video/clip-files';
import { movingClip, MovingClip } from '../../lib/video/moving-clip';
import { NodeReference, ReferenceExplanation } from '../../lib/web/node-reference';
import { launchPageBrowser } from '../../lib/web/page-browser';
import { buildWeb } from '../../lib/web/web-build';
import { serveWeb, WebServer } from '../../lib/web/web-server';

/** What the page's `window.saliencyPage` answers (web/src/main.ts). */
interface PageStatus {
  backend?: string;
  backendDetails?: string;
  source?: string;
  crossOriginIsolated: boolean;
  blackBox?: string;
  recipe?: string;
  inputSize?: number[];
  messages: { level: string; text: string }[];
  numTensors: number;
  stats: { frames: number; localisation: { frames: number } };
}
/** The methods of the page's `window.saliencyPage` the tests call, by name. */
interface PageApi {
  status(): PageStatus;
  waitFrames(n: number): PageStatus['stats'];
  explainClipFrame(index: number, cls: number): ReferenceExplanation;
}

/** Calls a method of the page's `window.saliencyPage` and awaits its result. */
function call<K extends keyof PageApi>(
  page: Page,
  name: K,
  ...args: Parameters<PageApi[K]>
): Promise<ReturnType<PageApi[K]>> {
  return page.evaluate(
    ({ name, args }) => {
      const api = (
        globalThis as unknown as { saliencyPage: Record<string, (...a: unknown[]) => unknown> }
      ).saliencyPage;
      return api[name](...args);
    },
    { name, args: args as unknown[] },
  ) as Promise<ReturnType<PageApi[K]>>;
}

/** Class names the user's model records in its metadata. */
const USER_CLASSES = ['ring', 'bar', 'dot', 'cross', 'blank'];

/**
 * A classifier the kit did not build, of another input size than the kit's
 * (48×48 grey), with class names in its metadata, saved as a TF.js
 * LayersModel; and maskers on its own layers (untrained: the test compares
 * the page with Node, not the masks with the truth), one of them for another
 * number of classes.
 */
async function saveUserModel(dir: string): Promise<void> {
  let seed = 11;
  const conv = (filters: number) =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: tf.initializers.heNormal({ seed: seed++ }),
    });
  const model = tf.sequential({
    layers: [
      tf.layers.inputLayer({ inputShape: [48, 48, 1] }),
      conv(4),
      conv(6),
      conv(8),
      conv(8),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({
        units: USER_CLASSES.length,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotNormal({ seed: seed++ }),
      }),
    ],
  });
  model.setUserDefinedMetadata({ labels: USER_CLASSES });
  await model.save(fileSystemHandler(path.join(dir, 'model')));
  for (const [name, numClasses] of [
    ['masker', USER_CLASSES.length],
    ['masker-4-classes', 4],
  ] as const) {
    const masker = Masker.create(encoderFor(model, { kind: 'own', inputSize: [48, 48] }), {
      numClasses,
      firstUpsamplerChannels: 16,
      residualBlocks: 1,
      seed: 1,
    });
    await masker.save(path.join(dir, name));
    masker.dispose();
  }
  model.dispose();
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).to.equal(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

describe('web page: real-time saliency in headless Chromium (SwiftShader, no GPU)', function () {
  this.timeout(240000);
  let dir = '';
  let clip: MovingClip;
  let server: WebServer;
  let browser: Browser;
  let gpuBrowser: Browser;
  /** A frame with a whole item, and the item's class. */
  let frame = 0;
  let cls = 0;
  /** The Node masker's explanation of the fixed frame, per recipe; `reference` is the page default's. */
  const references: Partial<Record<MaskerRecipe, ReferenceExplanation>> = {};
  let reference: ReferenceExplanation;
  /** The user's model's explanation of the same frame and class, in Node. */
  let userReference: ReferenceExplanation;
  /** Requests the pages made to anything but the local server. */
  const outside: string[] = [];

  before(async function () {
    if (!findChromium()) {
      console.log(
        `    skipped: headless Chromium not found (Debian package '${CHROMIUM_PACKAGE}')`,
      );
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-page-'));
    await buildWeb(dir);
    clip = movingClip(new ClutteredFashionMnist({ split: 'test' }), {
      items: 2,
      framesPerItem: 16,
      gapFrames: 2,
      seed: 1,
    });
    writeClipFiles(path.join(dir, 'clip'), clip);
    frame = clip.truth.frames.findIndex((f) => f.items[0]?.whole);
    cls = clip.truth.frames[frame].items[0].label;
    for (const recipe of ['constant-a', 'paper'] as const) {
      const node = await NodeReference.load(path.join(dir, 'clip'), 'plain', recipe);
      references[recipe] = node.explain(frame, cls);
      node.dispose();
    }
    reference = references['constant-a']!;
    const userDir = path.join(dir, 'user');
    await saveUserModel(userDir);
    const userNode = await NodeReference.loadUser(
      path.join(dir, 'clip'),
      path.join(userDir, 'model'),
      path.join(userDir, 'masker'),
    );
    userReference = userNode.explain(frame, cls % USER_CLASSES.length);
    userNode.dispose();
    server = await serveWeb({
      root: dir,
      userFolders: { model: path.join(userDir, 'model'), masker: userDir },
    });
    browser = await launchPageBrowser({ webgpu: false, deniedCamera: true });
    gpuBrowser = await launchPageBrowser({
      webgpu: true,
      fakeCamera: path.join(dir, 'clip', CLIP_Y4M),
    });
  });

  after(async () => {
    await browser?.close();
    await gpuBrowser?.close();
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the page with `query`, refusing every request that leaves the local server. */
  async function open(on: Browser, query: string): Promise<Page> {
    const page = await on.newPage();
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith(server.url)) return route.continue();
      outside.push(route.request().url());
      return route.abort();
    });
    await page.goto(`${server.url}?${query}`);
    await page.waitForFunction('window.saliencyPage?.ready !== undefined');
    await page.evaluate('window.saliencyPage.ready');
    return page;
  }

  const status = (page: Page) => call(page, 'status');
  const errors = (s: PageStatus) => s.messages.filter((m) => m.level !== 'info');

  it("loads offline, plays the generated clip on wasm without leaking, and gives the Node masker's mask within 1e-3", async () => {
    const page = await open(browser, 'backend=wasm&step=1');
    const first = await call(page, 'waitFrames', 6);
    expect(first.frames).to.be.at.least(6);
    const s = await status(page);
    expect(errors(s)).to.deep.equal([]);
    expect(s.backend).to.equal('wasm');
    expect(s.crossOriginIsolated).to.equal(true);
    expect(s.backendDetails).to.match(/SIMD on/);
    expect(s.stats.localisation.frames).to.be.greaterThan(0);
    // Tensors in use stay flat from frame to frame.
    const before = (await status(page)).numTensors;
    await call(page, 'waitFrames', 12);
    expect((await status(page)).numTensors).to.equal(before);
    const got = await call(page, 'explainClipFrame', frame, cls);
    expect(maxAbsDiff(got.mask, reference.mask)).to.be.lessThan(1e-3);
    expect(maxAbsDiff(got.probabilities, reference.probabilities)).to.be.lessThan(1e-3);
    expect(s.recipe).to.equal('constant-a');
    await page.close();
    // The other recipe's masker, by address.
    const paper = await open(browser, 'backend=wasm&recipe=paper&play=0');
    expect((await status(paper)).recipe).to.equal('paper');
    const gotPaper = await call(paper, 'explainClipFrame', frame, cls);
    expect(maxAbsDiff(gotPaper.mask, references.paper!.mask)).to.be.lessThan(1e-3);
    expect(maxAbsDiff(gotPaper.mask, reference.mask)).to.be.greaterThan(1e-2);
    await paper.close();
    expect(outside).to.deep.equal([]);
  });

  it("gives the Node masker's mask and probabilities for a fixed frame on WebGL and WebGPU within 1e-2", async () => {
    const onBackend = async (backend: string) => {
      const page = await open(
        backend === 'webgpu' ? gpuBrowser : browser,
        `backend=${backend}&play=0`,
      );
      const s = await status(page);
      expect(s.backend, JSON.stringify(s.messages)).to.equal(backend);
      const got = await call(page, 'explainClipFrame', frame, cls);
      await page.close();
      return got;
    };
    // Both at once: SwiftShader compiles each backend's shaders on the CPU.
    const results = await Promise.all(['webgl', 'webgpu'].map(onBackend));
    for (const got of results) {
      expect(maxAbsDiff(got.mask, reference.mask)).to.be.lessThan(1e-2);
      expect(maxAbsDiff(got.probabilities, reference.probabilities)).to.be.lessThan(1e-2);
    }
  });

  it("plays Chromium's fake camera fed by the generated .y4m", async () => {
    const page = await open(gpuBrowser, 'backend=wasm&source=camera');
    await call(page, 'waitFrames', 4);
    const s = await status(page);
    expect(s.source).to.match(/^camera/);
    expect(errors(s)).to.deep.equal([]);
    await page.close();
  });

  it("loads a user's own model of another input size and its masker by address, and gives the Node masker's mask within 1e-3 on wasm", async () => {
    const page = await open(
      browser,
      'backend=wasm&play=0&model=user/model/model.json&masker=user/masker/masker',
    );
    const s = await status(page);
    expect(errors(s), JSON.stringify(s.messages)).to.deep.equal([]);
    expect(s.inputSize).to.deep.equal([48, 48]);
    expect(await page.locator('#class option').allTextContents()).to.deep.equal([
      'top class (auto)',
      ...USER_CLASSES,
    ]);
    const got = await call(page, 'explainClipFrame', frame, cls % USER_CLASSES.length);
    expect(got.mask.length).to.equal(48 * 48);
    expect(maxAbsDiff(got.mask, userReference.mask)).to.be.lessThan(1e-3);
    expect(maxAbsDiff(got.probabilities, userReference.probabilities)).to.be.lessThan(1e-3);
    await page.close();
  });

  it("names the cause and the fall-back of a user's model or masker that does not load, picked as files", async () => {
    const page = await open(browser, 'backend=wasm&play=0');
    const userDir = path.join(dir, 'user');
    const file = (...parts: string[]) => path.join(userDir, ...parts);
    const modelFiles = fs.readdirSync(file('model')).map((f) => file('model', f));
    const maskerFiles = (name: string) => fs.readdirSync(file(name)).map((f) => file(name, f));
    /** Picks model and masker files; resolves with the messages that follow. */
    const pick = async (model: Parameters<Page['setInputFiles']>[1], masker: string[]) => {
      const seen = (await status(page)).messages.length;
      await page.setInputFiles('#masker-files', []);
      await page.setInputFiles('#model-files', model);
      await page.setInputFiles('#masker-files', masker);
      // Settled: the page says which models it ended with (the user's, or the fall-back).
      await page.waitForFunction(
        `window.saliencyPage.status().messages.slice(${seen}).some((m) => / and its masker loaded /.test(m.text))`,
      );
      return (await status(page)).messages.slice(seen).map((m) => m.text);
    };
    const plain = /; falling back to the 'plain' black box$/;
    const notModel = await pick(
      { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') },
      maskerFiles('masker'),
    );
    expect(notModel[0]).to.match(
      /^the model model\.json could not be read: modelTopology field is missing/,
    );
    expect(notModel[0]).to.match(plain);
    const noShards = await pick(
      modelFiles.filter((f) => f.endsWith('.json')),
      maskerFiles('masker'),
    );
    expect(noShards[0]).to.match(
      /^the model model\.json needs its weight files: weights\.bin was not picked with it/,
    );
    expect(noShards[0]).to.match(plain);
    const wrongClasses = await pick(modelFiles, maskerFiles('masker-4-classes'));
    expect(wrongClasses[0]).to.match(
      /^masker\.json: the masker explains 4 classes, the model model\.json has 5; falling back/,
    );
    const good = await pick(modelFiles, maskerFiles('masker'));
    expect(good.filter((t) => !/^black box/.test(t))[0]).to.match(
      /^your model .* loaded \(48×48 input, 5 classes/,
    );
    expect((await status(page)).inputSize).to.deep.equal([48, 48]);
    await page.close();
  });

  it('names the cause and the fall-back of every bad input, never leaving a blank page', async () => {
    const page = await open(
      browser,
      'backend=webgpu&source=camera&blackBox=nope&recipe=nope&play=0',
    );
    const s = await status(page);
    const texts = s.messages.map((m) => m.text);
    const expectLine = (pattern: RegExp) =>
      expect(
        texts.some((t) => pattern.test(t)),
        `${pattern} in ${JSON.stringify(texts)}`,
      ).to.equal(true);
    expectLine(/^backend webgpu did not start: .+; falling back to webgl$/);
    expectLine(
      /^\?recipe=nope is not a masker recipe \(paper, constant-a\): showing 'constant-a'$/,
    );
    expectLine(
      /^the camera cannot be used: access to the camera was denied; falling back to the generated clip$/,
    );
    expectLine(
      /^black box 'nope' could not be loaded from .+; falling back to the 'plain' black box$/,
    );
    expect([s.backend, s.source]).to.deep.equal(['webgl', 'generated clip (36 frames)']);
    await page.setInputFiles('#file', {
      name: 'not-a-video.webm',
      mimeType: 'video/webm',
      buffer: Buffer.from('this is not a video'),
    });
    await page.waitForFunction(`window.saliencyPage.status().messages.length > ${texts.length}`);
    const last = (await status(page)).messages.at(-1)!;
    expect(last.text).to.match(
      /^not-a-video\.webm cannot be played: .+; staying with generated clip/,
    );
    expect(await page.locator('#messages li.error, #messages li.warn').count()).to.equal(5);
    await page.close();
  });
});
