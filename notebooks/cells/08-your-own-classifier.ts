//%% md
// # 08 · Explaining your own classifier
//
// The flow a researcher follows to explain a classifier of their own with the
// kit: load the model, see what it says about itself, look at its predictions,
// explain its top class with the fast methods (gradient, Grad-CAM, occlusion),
// train a masker (Dabkowski & Gal 2017, §4) for it on its own layers, and
// score every method with the paper's crop metric s(a, p) = log max(a, 0.05) −
// log p (§5.1; lower is better: a small box that keeps the class) over the
// image folder.
//
// **Point it at your model** by editing the two constants of the next cell:
// `MODEL` (a TF.js `model.json`, the folder holding it, or a model card: a JSON
// file naming the model.json and declaring what the model cannot say itself,
// such as its labels or preprocessing; README, *Explaining your own model*) and
// `IMAGES` (a folder of class sub-folders named by the model's classes, a flat
// folder with a `labels.csv` of `file,label` lines, or unlabelled images: a
// folder, one image or a glob such as `'photos/*.jpg'`; Pascal VOC boxes
// `photo.xml` beside the images or in `Annotations/` are read when present).
// Paths are relative to `notebooks/`. The defaults run on a fresh clone with
// no download: the kit's committed `residual` black box, loaded with
// `loadTfjsModel` exactly as your model is, and a few Cluttered Fashion-MNIST
// test images that the notebook writes as PNGs, with VOC boxes, into a
// temporary folder.
//
// The same work from the command line (every flag in `--help`):
//
// ```bash
// npm run explain -- --model my-model/ --input photos/ --out explained/ --on-bad-image skip
// npx ts-node --transpile-only experiments/paper/train-masker.ts --model my-model/ --data photos/train --encoder own --steps 2000
// npm run explain -- --model my-model/ --input photos/ --out explained/ --masker results/maskers/models/my-model
// npx ts-node --transpile-only experiments/paper/evaluate.ts --model my-model/ --data photos/test --masker results/maskers/models/my-model
// ```
//
// `SALIENCY_NOTEBOOK_FAST=1` (CI) writes 10 sample images, shows 3, scores 8,
// trains a small masker for 10 steps and runs iterative masks for 20
// iterations (both far from converged: a smoke test of the flow); otherwise 50
// sample images, 6 shown, up to 200 scored, the default masker for 300 steps
// and the default 300 iterations.
//%% code
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import * as tslab from 'tslab';
import {
  batchRasters,
  chooseClasses,
  ClutteredFashionMnist,
  contactSheetPng,
  DEFAULT_TRAIN_MASKER_CONFIG,
  distributionFigure,
  evaluateFolderPair,
  explainImage,
  explanationSheet,
  FASHION_MNIST_CLASSES,
  folderTrainingData,
  loadEncoder,
  loadTfjsModel,
  formatShape,
  methodsForModel,
  modelFingerprint,
  notebookSetup,
  openImageFolder,
  parseEncoderChoice,
  planFolderPair,
  showFigure,
  tf,
  trainMasker,
  vocXml,
} from './lib/index';
import type { ImageExplanation, ModelMethod } from './lib/index';

// Your classifier: a TF.js model.json, the folder holding it, or a model card (a JSON file naming the model.json, with labels, preprocessing, …).
const MODEL = 'results/black-boxes/residual/model.json';
// Your images: a folder of class sub-folders, a flat folder with a labels.csv, or unlabelled images (a folder, an image or a glob such as 'photos/*.jpg').
// null: a few Cluttered Fashion-MNIST test images (class sub-folders, VOC boxes), written to a temporary folder.
const IMAGES: string | null = null;

const { fast: FAST } = await notebookSetup();
const KIT_BLACK_BOX = 'results/black-boxes/residual/model.json';
const SAMPLES_PER_CLASS = FAST ? 1 : 5;
const SHOWN = FAST ? 3 : 6;
const SCORED = FAST ? 8 : 200;
const MASKER_STEPS = FAST ? 10 : 300;
const ITERATIONS = FAST ? 20 : 300;

/** Writes Cluttered Fashion-MNIST test images as PNGs into class sub-folders, each with a VOC box of its item. */
async function writeSampleFolder(root: string, perClass: number): Promise<void> {
  const data = new ClutteredFashionMnist({ split: 'test' });
  const [h, w] = data.imageSize;
  const written = FASHION_MNIST_CLASSES.map(() => 0);
  for (let i = 0; written.some((n) => n < perClass); i++) {
    const sample = data.sample(i);
    if (written[sample.label]++ >= perClass) continue;
    const className = FASHION_MNIST_CLASSES[sample.label];
    const file = path.join(root, className.replace(/\//g, '_'), `test-${i}.png`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await sharp(
      Uint8Array.from(sample.image, (v) => Math.round(v * 255)),
      { raw: { width: w, height: h, channels: 3 } },
    )
      .png()
      .toFile(file);
    const { x0, y0, x1, y1 } = sample.items[0].box;
    fs.writeFileSync(
      file.replace(/\.png$/, '.xml'),
      vocXml(w, h, [{ name: className, box: [x0, y0, x1, y1] }], path.basename(file)),
    );
  }
}
const imagesRoot = IMAGES ?? fs.mkdtempSync(path.join(os.tmpdir(), 'saliency-own-classifier-'));
if (IMAGES === null) await writeSampleFolder(imagesRoot, SAMPLES_PER_CLASS);
//%% md
// ## 1 · What the model and the folder say about themselves
//
// `loadTfjsModel` reads the input size and channels from the model's signature,
// tells probabilities from logits on a probe batch, and takes class names from
// a labels file, a card or the labels list in model.json's
// `userDefinedMetadata`. The kit's black box carries no names (it would be
// `class0 … class9`), so with the default model the notebook declares
// Fashion-MNIST's, as `--labels labels.txt` or a card's `"labels"` would.
// Grad-CAM needs a spatial feature map that cuts the model (the last one is
// taken); the `grad-cam` line says whether there is one, and why not.
//
// `openImageFolder` detects the layout, matches class folders (or CSV labels)
// to the model's class names (ignoring case and punctuation: a folder cannot
// be called `T-shirt/top`, `T-shirt_top` matches it) and fits every image to
// the model's input. Every image is decoded once here: with
// `onBadImage: 'skip'` an unreadable file is listed and left out, as
// `--on-bad-image skip` does.
//%% code
const loaded = await loadTfjsModel(
  MODEL,
  MODEL === KIT_BLACK_BOX ? { classNames: FASHION_MNIST_CLASSES } : {},
);
const { blackBox } = loaded;
const folder = await openImageFolder({
  root: imagesRoot,
  inputSize: blackBox.inputSize,
  channels: blackBox.channels as 1 | 3,
  classNames: blackBox.classNames,
  onBadImage: 'skip',
  warn: (line) => console.log(`warning: ${line}`),
});
let boxed = 0;
for (let start = 0; start < folder.length; start += 32) {
  const batch = await folder.batch(start, start + 32);
  boxed += batch.boxes.filter((b) => b.length > 0).length;
  batch.images.dispose();
}
const fast = await methodsForModel(loaded);
const perClass = new Map<string, number>();
folder.entries.forEach(
  (e) =>
    e.label !== null &&
    perClass.set(folder.classNames[e.label], (perClass.get(folder.classNames[e.label]) ?? 0) + 1),
);
const [inH, inW] = blackBox.inputSize;
console.log(
  [
    `model      '${blackBox.name}', a ${loaded.format} model (${loaded.location})`,
    `input      '${loaded.input.name}': ${inH}×${inW}×${blackBox.channels}, preprocessing ${JSON.stringify(blackBox.preprocessing)}`,
    `output     '${loaded.output.name}' ${formatShape(loaded.output.shape)}: ${blackBox.outputs}`,
    `classes    ${blackBox.classNames.length}: ${blackBox.classNames.join(', ')}`,
    `grad-cam   ${fast.methods.some((m) => m.name === 'grad-cam') ? 'available' : 'not available'}${fast.notes.map((n) => `; ${n}`).join('')}`,
    `images     ${folder.config.root}: layout ${folder.layout}, ${folder.length} images, ${boxed} with a VOC box`,
    `           ${folder.labelled ? [...perClass].map(([c, n]) => `${c} ${n}`).join(', ') : "unlabelled: each image explains the model's top class"}`,
    `skipped    ${folder.skipped.length === 0 ? 'none' : folder.skipped.map((s) => `${s.file} (${s.reason})`).join('\n           ')}`,
  ].join('\n'),
);
//%% md
// ## 2 · The model's top-3 predictions
//
// Three to six images spread over the folder, the true class where the folder labels
// it, and the model's three most probable classes.
//%% code
const shownIndices = [
  ...new Set(
    Array.from({ length: Math.min(SHOWN, folder.length) }, (_, k) =>
      Math.floor((k * folder.length) / Math.min(SHOWN, folder.length)),
    ),
  ),
];
const shown = await folder.batch(shownIndices);
const name = (k: number) =>
  path.relative(folder.config.root, shown.entries[k].file) || path.basename(shown.entries[k].file);
const probabilities = tf.tidy(() => blackBox.predict(shown.images).arraySync() as number[][]);
console.table(
  probabilities.map((p, k) => ({
    image: name(k),
    'true class': shown.labels ? folder.classNames[shown.labels[k]] : '–',
    ...Object.fromEntries(
      chooseClasses({ kind: 'top', k: 3 }, p).map((c, r) => [
        `#${r + 1}`,
        `${blackBox.classNames[c]} (${p[c].toFixed(2)})`,
      ]),
    ),
  })),
);
//%% md
// ## 3 · Explanations of the top class: gradient, Grad-CAM, occlusion
//
// `explainImage` runs each method on the image for the model's top class and
// scores its map with the crop metric: the tightest box around the salient
// region (pixels above the map's mean; dashed on the sheet) is cut out,
// resized to the input and classified; a is its area fraction, p the class's
// probability on the crop. The sheet draws every map over its image, the VOC
// box in green; `explain` writes one such sheet per image.
//%% code
/** Explains each shown image for its top class with each method. */
async function explainShown(methods: readonly ModelMethod[]): Promise<ImageExplanation[]> {
  const explanations: ImageExplanation[] = [];
  for (let k = 0; k < shown.entries.length; k++) {
    const image = tf.slice(shown.images, [k, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    try {
      explanations.push(await explainImage(image, blackBox, { kind: 'top', k: 1 }, methods));
    } finally {
      image.dispose();
    }
  }
  return explanations;
}

/** The contact sheet of the shown images (one row each: the image, then each method's map), as PNG. */
async function sheetPng(
  explanations: readonly ImageExplanation[],
  methods: readonly string[],
): Promise<Buffer> {
  const images = batchRasters(shown.images.dataSync(), shown.images.shape);
  const rows = explanations.map((explanation, k) => {
    const [row] = explanationSheet(
      { image: images[k], title: name(k), boxes: shown.boxes[k], methods },
      explanation,
    ).rows;
    return { ...row, caption: `${name(k)}: ${row.caption}` };
  });
  return (await contactSheetPng({ methods, rows }, { salientBox: true })).png;
}

/** One row per image: s(a, p) of each method, with a and p. */
function cropMetricTable(
  explanations: readonly ImageExplanation[],
  methods: readonly ModelMethod[],
): Record<string, string>[] {
  return explanations.map((e, k) => ({
    image: name(k),
    'top class': e.classes[0].name,
    ...Object.fromEntries(
      methods.map((m) => {
        const { score, area, probability } = e.classes[0].methods[m.name].cropMetric;
        return [m.name, `${score.toFixed(2)} (a ${area.toFixed(2)}, p ${probability.toFixed(2)})`];
      }),
    ),
  }));
}

const explained = await explainShown(fast.methods);
tslab.display.png(
  await sheetPng(
    explained,
    fast.methods.map((m) => m.name),
  ),
);
console.log('crop metric s(a, p) of the salient box, lower is better:');
console.table(cropMetricTable(explained, fast.methods));
//%% md
// ## 4 · A masker trained for this model, on its own layers
//
// The paper's real-time saliency: a masking model trained once to produce a
// mask in one forward pass. Its encoder is the model's own layers at strides
// 2…32 (`--encoder own`, `loadEncoder` with `parseEncoderChoice('own')`),
// trained on the folder's images (`folderTrainingData`: each image's label, or
// the model's top class when unlabelled). Few steps here: 300, and 10 of a
// smaller masker in the fast configuration, whose masks are still close to
// their start, wide and blurry (`train-masker` runs 1,000 by default). Its
// masks join the others on the sheet, with iterative masks (the per-image
// optimisation of the same objective, §3), and the time per mask of each
// method on one image: one forward pass of the masker against an
// optimisation per image.
//%% code
const encoder = await loadEncoder(loaded, parseEncoderChoice('own'));
const training = await folderTrainingData(folder, blackBox, 0);
const trainConfig = {
  ...DEFAULT_TRAIN_MASKER_CONFIG,
  steps: MASKER_STEPS,
  batchSize: FAST ? 4 : 16,
  areaWarmupSteps: Math.min(
    DEFAULT_TRAIN_MASKER_CONFIG.areaWarmupSteps,
    Math.ceil(MASKER_STEPS / 2),
  ),
  masker: FAST
    ? { firstUpsamplerChannels: 16, residualBlocks: 1 }
    : DEFAULT_TRAIN_MASKER_CONFIG.masker,
};
const trained = await trainMasker(blackBox, encoder.encoder, trainConfig, {
  data: training.data,
  curveEvery: Math.max(1, Math.floor(MASKER_STEPS / 5)),
});
const last = trained.curve[trained.curve.length - 1];
console.log(`encoder: the model's own layers ${encoder.description.taps.join(', ')}`);
console.log(
  `${trainConfig.steps} steps of ${trainConfig.batchSize} images (from the folder's ${training.images}) in ${trained.trainSeconds.toFixed(1)} s; ` +
    `at the end: mask area ${last.realArea.toFixed(2)} for the true class, ${last.fakeArea?.toFixed(2) ?? '–'} for fake classes, ` +
    `class probability kept ${last.keptProbability.toFixed(2)}`,
);

// The two new methods on the same images, their maps and scores joined to those of section 3.
const slow = await methodsForModel(loaded, {
  requested: ['masker', 'iterative-mask'],
  masker: trained.masker,
  methodOptions: { 'iterative-mask': { iterations: ITERATIONS } },
});
const more = await explainShown(slow.methods);
const joined: ImageExplanation[] = explained.map((e, k) => ({
  ...e,
  maps: { ...e.maps, ...more[k].maps },
  classes: e.classes.map((c, i) => ({
    ...c,
    methods: { ...c.methods, ...more[k].classes[i].methods },
  })),
}));
const all = [...fast.methods, ...slow.methods];
tslab.display.png(
  await sheetPng(
    joined,
    all.map((m) => m.name),
  ),
);
console.table(cropMetricTable(joined, all));
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  `seconds per mask on one image (median of ${joined.length} images; iterative masks with ${ITERATIONS} iterations${ITERATIONS === 300 ? '' : ', the default is 300'}):`,
);
console.table(
  Object.fromEntries(
    all.map((m) => [
      m.name,
      {
        seconds: Number(
          median(joined.map((e) => e.classes[0].methods[m.name].seconds)).toPrecision(2),
        ),
      },
    ]),
  ),
);
//%% md
// ## 5 · The crop metric over the folder, per method
//
// `evaluateFolderPair` (what `evaluate --model` runs) explains each of the
// folder's first images (200; 8 in the fast configuration) for its true class
// (the top class when unlabelled), scores the salient box with the crop
// metric and, where a VOC box of that class exists, localisation (the salient
// box's IoU with it ≥ 0.5). The histogram shows s(a, p) per method; the table
// its mean and median, the localisation error and masks per second over
// batches of 16.
//%% code
const fingerprint = modelFingerprint(loaded.location);
const scores: {
  method: string;
  values: number[];
  mean: number;
  median: number;
  localisation: string;
  masksPerSecond: number;
}[] = [];
for (const method of all) {
  const plan = planFolderPair(
    method.name,
    blackBox.name,
    fingerprint,
    folder,
    { images: SCORED, alpha: 1, batchSize: 16 },
    {},
  );
  const { scores: s } = await evaluateFolderPair(plan, method, blackBox, folder);
  const loc = s.localisation;
  scores.push({
    method: method.name,
    values: s.perImage.map((p) => p.score),
    mean: s.saliencyMetric.mean,
    median: s.saliencyMetric.median,
    localisation: loc ? `${(100 * loc.error).toFixed(0)} % of ${loc.images}` : '–',
    masksPerSecond: s.speed.masksPerSecond,
  });
}
const scoredImages = scores[0].values.length;
showFigure(
  distributionFigure(
    scores.map((s) => ({ name: s.method, values: s.values })),
    {
      kind: 'histogram',
      bins: Math.min(30, Math.max(8, Math.round(3 * Math.sqrt(scoredImages)))),
      metric: 's(a, p) = log max(a, 0.05) − log p (lower is better)',
      title: `Crop metric per method over ${scoredImages} images of ${IMAGES ?? 'the Cluttered Fashion-MNIST samples'}`,
    },
  ),
);
console.table(
  Object.fromEntries(
    scores.map((s) => [
      s.method,
      {
        'mean s': Number(s.mean.toFixed(2)),
        'median s': Number(s.median.toFixed(2)),
        'localisation error': s.localisation,
        'masks/s': Number(s.masksPerSecond.toPrecision(3)),
      },
    ]),
  ),
);
//%% md
// Releases the model, the masker and its encoder, and deletes the sample
// folder when the notebook wrote one.
//%% code
shown.images.dispose();
trained.masker.dispose();
encoder.dispose();
loaded.dispose();
if (IMAGES === null) fs.rmSync(imagesRoot, { recursive: true, force: true });
console.log(`tensors left: ${tf.memory().numTensors}`);
