/**
 * The real-time saliency page: Dabkowski & Gal (2017), "Real Time Image
 * Saliency for Black Box Classifiers", §6's video application. Per frame of
 * a video it shows the black box's top classes, the masker's mask for the
 * chosen class as an overlay with its salient box, the masks of the top 3
 * classes side by side, and the speed of the masker and of the whole loop,
 * on the first TensorFlow.js backend that starts (WebGPU, WebGL, wasm).
 *
 * Settings come from the controls and, for a first load, from the address:
 * `?backend=webgpu|webgl|wasm|auto&source=clip|camera&blackBox=plain&recipe=paper|constant-a&class=auto|0..9&top3=1&step=0`
 * (`clip=…/clip.json`: another generated clip; `model=…/model.json&masker=…/`: a user's model and masker)
 * (`step=1`: every clip frame once, in order, as fast as the loop runs;
 * `play=0`: start paused).
 * `window.saliencyPage` exposes the state and a few measurements for the
 * tests and the benchmark (test/web/, experiments/bench/bench-browser.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../../lib/data/box';
import { boxIoU } from '../../lib/metrics/box';
import { boxInInput, frameToInput } from '../../lib/video/frame-input';
import { localisationBox } from '../../lib/metrics/localisation';
import type { ClipItemTruth } from '../../lib/video/moving-clip';
import { BACKENDS, BackendInfo, BackendName, startBackend } from './backends';
import { drawExplained } from './draw';
import { explainFrame, FrameExplanation } from './explain-frame';
import { BLACK_BOXES, loadModels, PageModels } from './models';
import { isMaskerRecipe, MASKER_RECIPES, MaskerRecipe } from '../../lib/masker/masker-recipes';
import { loadUserModels, UserModelSource } from './user-models';
import { Frame, FrameSource, openCamera, openClip, openFile } from './sources';
import { LoopStats } from './loop-stats';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A message line in the page (and the console): what happened, its cause, the fall-back taken. */
type Level = 'info' | 'warn' | 'error';
const messages: { level: Level; text: string }[] = [];
function report(level: Level, text: string): void {
  messages.push({ level, text });
  const li = document.createElement('li');
  li.className = level;
  li.textContent = text;
  $('messages').append(li);
  (level === 'info' ? console.info : console.warn)(`[saliency page] ${text}`);
}

/** The kit's masker shown first: the one that localises best (docs/browser.md). */
const DEFAULT_RECIPE: MaskerRecipe = 'constant-a';

const params = new URLSearchParams(location.search);

/** `?recipe=`, or the default (named in a message when the address holds another word). */
function recipeFromAddress(): MaskerRecipe {
  const value = params.get('recipe');
  if (value === null || isMaskerRecipe(value)) return value ?? DEFAULT_RECIPE;
  report(
    'error',
    `?recipe=${value} is not a masker recipe (${Object.keys(MASKER_RECIPES).join(', ')}): showing '${DEFAULT_RECIPE}'`,
  );
  return DEFAULT_RECIPE;
}
const settings = {
  backend: (params.get('backend') ?? 'auto') as BackendName | 'auto',
  source: params.get('source') ?? 'clip',
  /** The generated clip's description (written by experiments/tools/make-clip.ts). */
  clip: params.get('clip') ?? undefined,
  /** A kit black box, or {@link USER_MODEL} for the user's. */
  blackBox: params.get('blackBox') ?? (params.get('model') ? 'user' : 'plain'),
  /** The training recipe of the kit's masker (a user's model brings its own masker). */
  recipe: recipeFromAddress(),
  /** `auto` (the top class) or a class index. */
  choice: params.get('class') ?? 'auto',
  top3: params.get('top3') !== '0',
  step: params.get('step') === '1',
};

/** The black box selector's value for the user's own model. */
const USER_MODEL = 'user';
/** The user's model and masker: from the address (`?model=…/model.json&masker=…/`) or picked files. */
let userSource: UserModelSource | undefined =
  params.get('model') !== null
    ? { model: params.get('model')!, masker: params.get('masker') ?? '' }
    : undefined;

let backend: BackendInfo | undefined;
let models: PageModels | undefined;
let source: FrameSource | undefined;
/** Bumped whenever the loop must stop (a change of backend, models or source). */
let generation = 0;
let loopDone: Promise<void> = Promise.resolve();
let paused = params.get('play') === '0';
const stats = new LoopStats();

/** The classes to explain: the chosen one first, then the top 3 when they are shown. */
function classesFor(ranked: number[]): number[] {
  const main = settings.choice === 'auto' ? ranked[0] : Number(settings.choice);
  return settings.top3 ? [main, ...ranked.slice(0, 3).filter((c) => c !== main)] : [main];
}

function maskOf(ex: FrameExplanation, cls: number): Float32Array {
  const k = ex.classes.indexOf(cls);
  const n = ex.inputSize[0] * ex.inputSize[1];
  return ex.masks.subarray(k * n, (k + 1) * n);
}

function meanOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

let lastText = 0;

/**
 * A mask with no pixel above this is near empty (the class is absent): the
 * page draws no salient box on it, though the localisation protocol still
 * counts the box it finds (all pixels above α × a tiny mean).
 */
const EMPTY_MASK_MAX = 0.5;

function maxOf(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]);
  return max;
}

/** The salient box of a mask to draw: the protocol's, or none on a near-empty mask. */
function boxToDraw(
  mask: Float32Array,
  [h, w]: readonly [number, number],
  alpha: number,
): Box | null {
  return maxOf(mask) < EMPTY_MASK_MAX ? null : localisationBox(mask, h, w, { alpha });
}

/** Whether the black box's top class is one of the frame's items (by class name: the clip's and the model's classes may differ). */
function topClassRight(frame: Frame, ex: FrameExplanation): boolean {
  const top = models?.classNames[ex.ranked[0]];
  return (frame.truth ?? []).some((t) => frame.truthClassNames?.[t.label] === top);
}

/** The frame's items with their true boxes in the model input's pixels (those inside the region it sees). */
function truthInInput(
  frame: Frame,
  inputSize: readonly [number, number],
): ClipItemTruth[] | undefined {
  const scene = frame.scene;
  if (!frame.truth || !scene) return frame.truth;
  return frame.truth.flatMap((t) => {
    const box = boxInInput(t.box, scene.width, scene.height, inputSize);
    return box ? [{ ...t, box }] : [];
  });
}

/** Draws a frame's explanation; returns the salient box of the chosen class (the protocol's). */
function render(
  frame: Frame,
  truth: readonly ClipItemTruth[] | undefined,
  ex: FrameExplanation,
  alpha: number,
): Box | null {
  const main = ex.classes[0];
  const mask = maskOf(ex, main);
  const [h, w] = ex.inputSize;
  const box = localisationBox(mask, h, w, { alpha });
  drawExplained(
    $('view'),
    frame.pixels,
    mask,
    ex.inputSize,
    maxOf(mask) < EMPTY_MASK_MAX ? null : box,
    (truth ?? []).map((t) => t.box),
  );
  const panel = $('top3');
  panel.hidden = !settings.top3;
  if (settings.top3) {
    ex.ranked.slice(0, 3).forEach((cls, k) => {
      const m = maskOf(ex, cls);
      drawExplained(
        $(`top3-${k}`),
        frame.pixels,
        m,
        ex.inputSize,
        boxToDraw(m, ex.inputSize, alpha),
        [],
      );
    });
  }
  const now = performance.now();
  if (now - lastText > 250) {
    lastText = now;
    writeText(frame, truth, ex, box, mask);
  }
  return box;
}

/** The captions, probabilities and speeds (a few times a second, not every frame). */
function writeText(
  frame: Frame,
  frameTruth: readonly ClipItemTruth[] | undefined,
  ex: FrameExplanation,
  box: Box | null,
  mask: Float32Array,
): void {
  const name = (c: number) => models?.classNames[c] ?? `class ${c}`;
  const main = ex.classes[0];
  const how = settings.choice === 'auto' ? 'top class' : 'chosen class';
  const truth = frameTruth ?? [];
  const truthText = truth.length
    ? ` · true: ${truth.map((t) => frame.truthClassNames?.[t.label] ?? `class ${t.label}`).join(', ')}` +
      (box ? `, IoU ${Math.max(...truth.map((t) => boxIoU(box, t.box))).toFixed(2)}` : '')
    : frameTruth
      ? ' · no item on this frame'
      : '';
  $('caption').textContent =
    `frame ${frame.index} · mask of ${name(main)} (${how}, p = ${ex.probabilities[main].toFixed(2)})` +
    ` · mask area ${(100 * meanOf(mask)).toFixed(0)}%` +
    (maxOf(mask) < EMPTY_MASK_MAX
      ? ' · mask near empty'
      : box
        ? ` · salient box ${box.x1 - box.x0}×${box.y1 - box.y0}`
        : ' · no salient region') +
    truthText;
  ex.ranked.slice(0, 3).forEach((cls, k) => {
    $(`top3-${k}-caption`).textContent =
      `${name(cls)} p = ${ex.probabilities[cls].toFixed(2)}, mask area ${(100 * meanOf(maskOf(ex, cls))).toFixed(1)}%`;
  });
  $('probs').replaceChildren(
    ...ex.ranked.slice(0, 5).map((c) => {
      const li = document.createElement('li');
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${(100 * ex.probabilities[c]).toFixed(1)}%`;
      li.append(`${name(c)} ${ex.probabilities[c].toFixed(3)}`, bar);
      return li;
    }),
  );
  const s = stats.recent();
  $('speed').textContent =
    `masker ${s.maskerMs.toFixed(2)} ms/frame (${ex.classes.length} mask${ex.classes.length > 1 ? 's' : ''} per call)` +
    ` · black box ${s.blackBoxMs.toFixed(2)} ms · whole loop ${s.framesPerSecond.toFixed(1)} frames/s` +
    ` · ${backend?.details ?? 'no backend'}`;
}

/** Yields to the browser (events, painting) without the 4 ms clamp of nested timers. */
const channel = new MessageChannel();
const yieldQueue: (() => void)[] = [];
channel.port1.onmessage = () => yieldQueue.shift()?.();
function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    yieldQueue.push(resolve);
    channel.port2.postMessage(0);
  });
}

async function loop(gen: number): Promise<void> {
  while (gen === generation) {
    const frame = paused || !models || !source ? null : source.frame(settings.step);
    if (!frame || !models) {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    const ex = await explainFrame(models, frame.pixels, classesFor);
    if (gen !== generation) break;
    const drawStart = performance.now();
    const truth = truthInInput(frame, models.inputSize);
    const box = render(frame, truth, ex, models.alpha);
    stats.record(ex, box, truth, performance.now() - drawStart, topClassRight(frame, ex));
    await yieldToBrowser();
  }
}

/** Stops the loop and waits for its frame in flight. */
async function stopLoop(): Promise<void> {
  generation++;
  await loopDone;
}

function startLoop(): void {
  const gen = ++generation;
  stats.reset();
  loopDone = loop(gen).catch((err: Error) => {
    report('error', `the loop stopped: ${err.message}`);
  });
}

async function useBackend(name: BackendName | 'auto'): Promise<void> {
  await stopLoop();
  models?.dispose();
  models = undefined;
  backend = await startBackend(name, (m) => report('warn', m));
  $<HTMLSelectElement>('backend').value = backend.name === 'cpu' ? 'auto' : backend.name;
  $('backend-info').textContent = backend.details;
  report('info', `backend: ${backend.details}`);
  await useModels(settings.blackBox);
}

/** The change of models under way: changes run one after another, never interleaved. */
let modelsChange: Promise<void> = Promise.resolve();

/** Switches to the kit's black box `name`, or {@link USER_MODEL}, once the change under way is done. */
function useModels(name: string): Promise<void> {
  modelsChange = modelsChange
    .then(() => switchModels(name))
    .catch((err: Error) => report('error', `the models could not be changed: ${err.message}`));
  return modelsChange;
}

async function switchModels(name: string): Promise<void> {
  await stopLoop();
  models?.dispose();
  models = undefined;
  try {
    if (name !== USER_MODEL)
      models = await loadModels(name, (m) => report('warn', m), settings.recipe);
    else if (userSource) models = await loadUserModels(userSource);
    else throw new Error('no model of yours was given (pick its files, or ?model=…&masker=…)');
  } catch (err) {
    const fallback = name !== 'plain' ? 'plain' : undefined;
    report(
      'error',
      `${(err as Error).message}; ${fallback ? `falling back to the '${fallback}' black box` : 'no saliency can be shown'}`,
    );
    if (!fallback) return;
    return switchModels(fallback);
  }
  settings.blackBox = name;
  const bb = $<HTMLSelectElement>('black-box');
  if (name === USER_MODEL && ![...bb.options].some((o) => o.value === USER_MODEL))
    bb.add(new Option('your model', USER_MODEL));
  bb.value = name;
  $<HTMLSelectElement>('recipe').disabled = name === USER_MODEL;
  fillClasses(models.classNames);
  const [h, w] = models.inputSize;
  report(
    'info',
    `${name === USER_MODEL ? models.name : `black box '${name}'`} and its masker loaded (${name === USER_MODEL ? '' : `masker: ${MASKER_RECIPES[settings.recipe].label}; `}${h}×${w} input, ${models.classNames.length} classes; salient region: mask > ${models.alpha} × mean)`,
  );
  startLoop();
}

/** The class selector's options: top class, then the models' classes (a chosen class they lack becomes `auto`). */
function fillClasses(names: readonly string[]): void {
  const select = $<HTMLSelectElement>('class');
  select.replaceChildren(new Option('top class (auto)', 'auto'));
  names.forEach((name, k) => select.add(new Option(name, String(k))));
  if (settings.choice !== 'auto' && !(Number(settings.choice) < names.length))
    settings.choice = 'auto';
  select.value = settings.choice;
}

/**
 * Switches to another source. One that cannot be opened is reported with its
 * cause; the page then keeps the current source, or with none yet tries the
 * generated clip, then the camera, then asks for a file.
 */
async function useSource(kind: string, file?: File, tried: string[] = []): Promise<void> {
  const open =
    kind === 'camera'
      ? openCamera
      : kind === 'file' && file
        ? () => openFile(file)
        : () => openClip(settings.clip);
  let next: FrameSource;
  try {
    next = await open();
  } catch (err) {
    const fallback = source
      ? undefined
      : ['clip', 'camera'].find((k) => k !== kind && !tried.includes(k));
    const taken = source
      ? `staying with ${source.label}`
      : fallback
        ? `falling back to the ${fallback === 'clip' ? 'generated clip' : 'camera'}`
        : 'choose a video file';
    report('error', `${(err as Error).message}; ${taken}`);
    $<HTMLSelectElement>('source').value = source ? settings.source : kind;
    if (fallback) await useSource(fallback, undefined, [...tried, kind]);
    return;
  }
  source?.stop();
  source = next;
  settings.source = kind;
  $<HTMLSelectElement>('source').value = kind;
  report('info', `source: ${source.label}`);
  stats.reset();
}

function buildControls(): void {
  const classSelect = $<HTMLSelectElement>('class');
  classSelect.onchange = () => {
    settings.choice = classSelect.value;
    stats.reset();
  };
  const bb = $<HTMLSelectElement>('black-box');
  BLACK_BOXES.forEach((name) => bb.add(new Option(name, name)));
  bb.value = settings.blackBox;
  bb.onchange = () => void useModels(bb.value);
  const recipe = $<HTMLSelectElement>('recipe');
  for (const [value, { label }] of Object.entries(MASKER_RECIPES))
    recipe.add(new Option(label, value));
  recipe.value = settings.recipe;
  recipe.onchange = () => {
    settings.recipe = recipe.value as MaskerRecipe;
    void useModels(settings.blackBox);
  };
  const be = $<HTMLSelectElement>('backend');
  BACKENDS.forEach((name) => be.add(new Option(name, name)));
  be.value = settings.backend;
  be.onchange = () => void useBackend(be.value as BackendName | 'auto');
  const src = $<HTMLSelectElement>('source');
  const fileInput = $<HTMLInputElement>('file');
  src.onchange = () => {
    if (src.value === 'file') fileInput.click();
    else void useSource(src.value);
  };
  fileInput.onchange = () => {
    const file = fileInput.files?.[0];
    if (file) void useSource('file', file);
  };
  const modelFiles = $<HTMLInputElement>('model-files');
  const maskerFiles = $<HTMLInputElement>('masker-files');
  const loadPicked = () => {
    const model = [...(modelFiles.files ?? [])];
    const masker = [...(maskerFiles.files ?? [])];
    if (!model.length || !masker.length) return;
    userSource = { model, masker };
    void useModels(USER_MODEL);
  };
  modelFiles.onchange = loadPicked;
  maskerFiles.onchange = loadPicked;
  const top3 = $<HTMLInputElement>('top3-on');
  top3.checked = settings.top3;
  top3.onchange = () => {
    settings.top3 = top3.checked;
    stats.reset();
  };
  $<HTMLButtonElement>('pause').onclick = () => setPaused(!paused);
  setPaused(paused);
}

function setPaused(value: boolean): void {
  paused = value;
  $<HTMLButtonElement>('pause').textContent = paused ? 'play' : 'pause';
}

/** The clip's frame `index` (from a fresh clip source: the loop's own is left alone). */
async function clipFrame(index: number): Promise<Frame> {
  const clip = await openClip(settings.clip);
  for (let i = 0; i < index; i++) clip.frame(true);
  return clip.frame(true)!;
}

/** What the tests and the benchmark read and call. */
const api = {
  ready: undefined as unknown as Promise<void>,
  status: () => ({
    backend: backend?.name,
    backendDetails: backend?.details,
    blackBox: models?.name,
    recipe: settings.blackBox === USER_MODEL ? undefined : settings.recipe,
    alpha: models?.alpha,
    inputSize: models?.inputSize,
    source: source?.label,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    messages: [...messages],
    numTensors: tf.memory().numTensors,
    stats: stats.summary(),
  }),
  resetStats: () => stats.reset(),
  /** Waits until `frames` frames have been explained since the last reset, then summarises them. */
  async waitFrames(frames: number, timeoutMs = 60000) {
    const deadline = performance.now() + timeoutMs;
    while (stats.summary().frames < frames) {
      if (performance.now() > deadline)
        throw new Error(`only ${stats.summary().frames} frames in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return stats.summary();
  },
  /** The probabilities and the mask of `cls` for clip frame `index`, on the current backend. */
  async explainClipFrame(index: number, cls: number) {
    if (!models) throw new Error('no models loaded');
    const frame = await clipFrame(index);
    const ex = await explainFrame(models, frame.pixels, () => [cls]);
    return { probabilities: Array.from(ex.probabilities), mask: Array.from(ex.masks) };
  },
  /** Pauses the loop and shows clip frame `index` as the loop would (for screenshots). */
  async showClipFrame(index: number) {
    if (!models) throw new Error('no models loaded');
    setPaused(true);
    const frame = await clipFrame(index);
    const ex = await explainFrame(models, frame.pixels, classesFor);
    lastText = 0;
    render(frame, truthInInput(frame, models.inputSize), ex, models.alpha);
  },
  /** Milliseconds per masker call with its read-back, over `calls` calls on one clip frame. */
  async maskerMs(calls: number) {
    if (!models) throw new Error('no models loaded');
    const m = models;
    const frame = await clipFrame(0);
    const input = tf.tidy(() => frameToInput(tf.browser.fromPixels(frame.pixels, 3), m.inputSize));
    const once = async () => {
      const mask = tf.tidy(() => m.masker.predict(input, [0], { checkRange: false }).mask);
      await mask.data();
      mask.dispose();
    };
    await once();
    const start = performance.now();
    for (let i = 0; i < calls; i++) await once();
    const ms = (performance.now() - start) / calls;
    input.dispose();
    return ms;
  },
  /** The kernels of one explained clip frame by total time, slowest first (tf.profile). */
  async kernelProfile(top = 12) {
    if (!models) throw new Error('no models loaded');
    const m = models;
    const frame = await clipFrame(0);
    const info = await tf.profile(async () => {
      await explainFrame(m, frame.pixels, classesFor);
    });
    const byName = new Map<string, number>();
    for (const k of info.kernels)
      byName.set(k.name, (byName.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    return [...byName].sort((a, b) => b[1] - a[1]).slice(0, top);
  },
  pause: (value: boolean) => setPaused(value),
  setBackend: (name: BackendName | 'auto') => useBackend(name),
};
(globalThis as unknown as { saliencyPage: typeof api }).saliencyPage = api;

async function main(): Promise<void> {
  $('loading').remove();
  buildControls();
  await useSource(settings.source);
  await useBackend(settings.backend);
}

api.ready = main().catch((err: Error) =>
  report('error', `the page could not start: ${err.message}`),
);
