//%% md
// # 10 · Finding a planted bias
//
// The closing paragraph of Dabkowski & Gal (2017) points to a use of fast
// saliency: finding what a black box really relies on. Here the answer is
// known because it was planted: a `plain` black box trained on Cluttered
// Fashion-MNIST where 9 in 10 `Shirt` training images carry a small white
// square in the top-left corner, and no other image does
// (`lib/data/planted-bias.ts`). `experiments/paper/planted-bias.ts` trains it
// (and a control without the cue), measures its reliance on the cue, trains a
// masker against it, and measures how much of each method's map falls on the
// cue; it writes `results/bias/`.
//
// This notebook shows the cue, reads the results, and draws the maps of a few
// methods live (`SALIENCY_NOTEBOOK_FAST=1`: 2 images and the fast methods).
//%% code
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from './lib/engine/backend';
import { ClutteredFashionMnist } from './lib/data/cluttered';
import { PlantedBiasData } from './lib/data/planted-bias';
import { loadKitBlackBox, LoadedBlackBox } from './lib/classifiers/kit-black-boxes';
import { layersWhiteBox } from './lib/classifiers/layers-white-box';
import { biasedClassIndices, cueAttribution } from './lib/evaluation/planted-bias';
import { residualEncoder } from './lib/encoders/residual-net-encoder';
import { Masker } from './lib/masker/masker';
import { ENCODER_BLACK_BOX } from './lib/masker/masker-assets';
import { methodMasks } from './lib/methods/registry';
import { COMMITTED_METHOD_OPTIONS } from './lib/evaluation/committed-method-options';
import { readJson, RESULTS_DIR } from './lib/io/results';
import { imageGridFigure, GridPanel } from './lib/plot/image-grid';
import { groupedBarFigure } from './lib/plot/grouped-bars';
import { batchRasters } from './lib/plot/raster';
import { showFigure } from './lib/plot/notebook-display';

const FAST = process.env.SALIENCY_NOTEBOOK_FAST === '1';
const IMAGES = FAST ? 2 : 4;
const METHODS = FAST
  ? ['gradient', 'grad-cam', 'masker']
  : ['gradient', 'grad-cam', 'occlusion', 'rise', 'masker'];
const BIAS_DIR = path.join(RESULTS_DIR, 'bias');
const engine = await initEngine();
console.log(
  `engine ${engine.engine}; fast configuration: ${FAST} (${IMAGES} images; ${METHODS.join(', ')})`,
);
//%% md
// ## The cue
//
// Training shirts with the cue (white square, top left) and, for contrast,
// training images of other classes, which never carry it.
//%% code
const train = new PlantedBiasData(new ClutteredFashionMnist({ split: 'train' }), 'train');
const shown = train.batch(Array.from({ length: 24 }, (_, i) => i));
const picks = [
  ...shown.indices.filter((_, i) => shown.cue[i]).slice(0, 3),
  ...shown.indices.filter((_, i) => shown.labels[i] !== train.cue.biasedClass).slice(0, 3),
];
const rasters = batchRasters(shown.images.dataSync(), shown.images.shape);
showFigure(
  imageGridFigure(
    picks.map((index) => {
      const i = shown.indices.indexOf(index);
      return {
        image: rasters[i],
        title: `${train.base.classNames[shown.labels[i]]}${shown.cue[i] ? ' + cue' : ''}`,
        boxes: shown.cue[i] ? [{ box: train.cue.box, role: 'predicted' as const }] : [],
      };
    }),
    { columns: 6, panelSize: 140, title: 'Training images (cue box in red)' },
  ),
);
shown.images.dispose();
//%% md
// ## How much the black box relies on the cue
//
// Accuracy on clean test images, Shirt recall without and with the cue
// painted, and the share of other classes' images called Shirt once the cue
// is painted on them; the control was trained the same way without any cue.
//%% code
interface Reliance {
  cleanAccuracy: number;
  biasedClassRecallClean: number;
  biasedClassRecallWithCue: number;
  othersCalledBiasedClean: number;
  othersCalledBiasedWithCue: number;
  images: number;
}
const record = readJson<{ reliance: Record<string, Reliance> }>(
  path.join(BIAS_DIR, 'black-box.json'),
);
if (!record)
  console.log(
    'no results/bias/black-box.json yet: npx ts-node --transpile-only experiments/paper/planted-bias.ts',
  );
const pct = (v: number) => Number((100 * v).toFixed(1));
console.table(
  Object.entries(record?.reliance ?? {}).map(([box, r]) => ({
    'black box': box,
    'clean accuracy %': pct(r.cleanAccuracy),
    'Shirt recall, no cue %': pct(r.biasedClassRecallClean),
    'Shirt recall, cue %': pct(r.biasedClassRecallWithCue),
    'others called Shirt, no cue %': pct(r.othersCalledBiasedClean),
    'others called Shirt, cue %': pct(r.othersCalledBiasedWithCue),
    images: r.images,
  })),
);
//%% md
// ## Where each method's map falls
//
// On test shirts with the cue painted, maps for `Shirt`: the share of the
// map's mass inside the cue's box (36 pixels, 0.9 % of the image), inside
// that box grown by the pointing tolerance (4.3 px each side) and inside the
// item's box, and how often the map's maximum is on the cue.
//%% code
interface Share {
  mean: number;
  halfWidth95: number;
  count: number;
}
type Measure =
  | 'cueMass'
  | 'cueMassWithinTolerance'
  | 'itemMass'
  | 'maxOnCue'
  | 'maxOnItem'
  | 'mostMassOnCue'
  | 'mostMassWithinToleranceOfCue';
interface BiasFile {
  method: string;
  images: number;
  biased: Record<Measure, Share>;
  control?: Record<Measure, Share>;
}
const biasFiles = fs.existsSync(BIAS_DIR)
  ? fs
      .readdirSync(BIAS_DIR)
      .filter(
        (f) => f.endsWith('.json') && !['black-box.json'].includes(f) && !f.startsWith('masker-'),
      )
      .map((f) => readJson<BiasFile>(path.join(BIAS_DIR, f))!)
      .filter((b) => b?.biased)
  : [];
const r3 = (v: number) => Number(v.toPrecision(3));
console.table(
  biasFiles.map((b) => ({
    method: b.method,
    images: b.images,
    'cue mass (biased)': r3(b.biased.cueMass.mean),
    'cue mass (control)': b.control ? r3(b.control.cueMass.mean) : '',
    'cue ± 4.3 px mass (biased)': r3(b.biased.cueMassWithinTolerance.mean),
    'item mass (biased)': r3(b.biased.itemMass.mean),
    'max on cue % (biased)': pct(b.biased.maxOnCue.mean),
    'max on cue % (control)': b.control ? pct(b.control.maxOnCue.mean) : '',
    'most mass on cue % (biased)': pct(b.biased.mostMassOnCue.mean),
    'most mass on cue ± 4.3 px % (biased)': pct(b.biased.mostMassWithinToleranceOfCue.mean),
  })),
);
if (biasFiles.length)
  showFigure(
    groupedBarFigure(
      biasFiles.flatMap((b) => [
        { category: b.method, group: 'biased black box', value: b.biased.cueMass.mean },
        ...(b.control
          ? [{ category: b.method, group: 'control', value: b.control.cueMass.mean }]
          : []),
      ]),
      { valueTitle: 'share of map mass on the cue box', valueRange: [0, 1], decimals: 2 },
    ),
  );
//%% md
// ## The maps, live
//
// Maps for `Shirt` on cued test shirts from the biased black box (the
// masker: the one trained against it, when `results/bias/maskers/biased/` exists).
//%% code
let biased: LoadedBlackBox | undefined;
try {
  biased = await loadKitBlackBox('biased-plain', path.join(BIAS_DIR, 'black-boxes'));
} catch (err) {
  console.log(`${(err as Error).message}\n(the maps are skipped)`);
}
if (biased) {
  const whiteBox = layersWhiteBox(biased.model, biased.blackBox);
  const test = new ClutteredFashionMnist({ split: 'test' });
  const cued = new PlantedBiasData(test, 'all');
  const batch = cued.batch(biasedClassIndices(test, cued.cue.biasedClass, IMAGES));
  const classes = batch.indices.map(() => cued.cue.biasedClass);
  const maskerDir = path.join(BIAS_DIR, 'maskers', 'biased');
  const encoderModel = fs.existsSync(maskerDir)
    ? await loadKitBlackBox(ENCODER_BLACK_BOX)
    : undefined;
  const masker = encoderModel
    ? await Masker.restore(residualEncoder(encoderModel.model), maskerDir)
    : undefined;
  const images = batchRasters(batch.images.dataSync(), batch.images.shape);
  const panels: GridPanel[] = [];
  for (const method of METHODS) {
    if (method === 'masker' && !masker) continue;
    const options = { ...COMMITTED_METHOD_OPTIONS, masker: { masker } };
    const masks = await methodMasks(method, whiteBox, { images: batch.images, classes }, options);
    const share = cueAttribution(masks, cued.cue, batch.boxes);
    batchRasters(masks.dataSync(), masks.shape).forEach((mask, i) =>
      panels.push({
        image: images[i],
        mask,
        title: `${method}: cue ${(100 * share.cueMass[i]).toFixed(0)} %`,
        boxes: [
          { box: cued.cue.box, role: 'predicted' as const },
          { box: batch.boxes[i], role: 'true' as const },
        ],
      }),
    );
    masks.dispose();
  }
  showFigure(
    imageGridFigure(panels, {
      columns: IMAGES,
      panelSize: 150,
      title: 'Maps for Shirt (cue box red, item box green; share of mass on the cue)',
    }),
  );
  tf.dispose(batch.images);
  masker?.dispose();
  encoderModel?.dispose();
  biased.dispose();
}
