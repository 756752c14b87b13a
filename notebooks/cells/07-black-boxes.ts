//%% md
// # 07 · The three black boxes side by side
//
// Dabkowski & Gal (2017) explain AlexNet, GoogLeNet and ResNet-50 with one
// encoder (ResNet-50 features) and a masker trained per black box. The kit's
// counterparts are `plain`, `inception` and `residual`, each with its own
// masker over the frozen `residual` encoder. Per black box: its accuracy on
// clean (unmasked) Cluttered Fashion-MNIST test images, and its masker's
// masks on the same test images for their true class: the mean mask area
// (AV) and the mask sharpness (`lib/metrics/mask-sharpness.ts`: the share of
// pixels outside (0.1, 0.9), 1 for a binary mask), then the three maskers'
// masks on the same six images.
//
// Reads `results/black-boxes/<bb>.json` and `<bb>/`
// (`experiments/paper/train-black-box.ts`) and the maskers `results/maskers/<bb>/`
// (`experiments/paper/train-masker.ts`), whatever is there now.
// `SALIENCY_NOTEBOOK_FAST=1` scores 6 images instead of 200 (used by CI).
//%% code
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { notebookSetup } from './lib/plot/notebook-setup';
import { ClutteredFashionMnist } from './lib/data/cluttered';
import { trainMaskerCommand } from './lib/methods/builtin-methods';
import { maskSharpness } from './lib/metrics/mask-sharpness';
import { meanMaskArea } from './lib/metrics/selectivity';
import { summarise } from './lib/metrics/summary';
import type { ArchitectureName } from './lib/classifiers/architecture';
import { readJson } from './lib/io/results';
import { loadTrainedMasker, MASKERS_DIR } from './lib/masker/masker-assets';
import {
  BLACK_BOXES_DIR,
  loadKitBlackBox,
  trainBlackBoxCommand,
} from './lib/classifiers/kit-black-boxes';
import { maskerSaliency } from './lib/methods/masker-method';
import { groupedBarFigure } from './lib/plot/grouped-bars';
import { imageGridFigure, GridPanel } from './lib/plot/image-grid';
import { batchRasters, Raster } from './lib/plot/raster';
import { showFigure } from './lib/plot/notebook-display';

const { fast: FAST } = await notebookSetup();
// In the paper's order: AlexNet, GoogLeNet, ResNet-50.
const BLACK_BOXES: readonly ArchitectureName[] = ['plain', 'inception', 'residual'];
const SHOWN = 6;
const SCORED = FAST ? SHOWN : 200;
const data = new ClutteredFashionMnist({ split: 'test' });
//%% md
// ## Accuracy, mask area and sharpness
//
// The first 200 test images (6 in the fast configuration), each explained
// for its true class by the masker of each black box: one forward pass per
// batch, no optimisation.
//%% code
interface BlackBoxSummary {
  arch: string;
  testAccuracy: number;
}
interface MaskerScores {
  arch: ArchitectureName;
  accuracy?: number;
  meanArea: number;
  sharpness: number;
  shown: Raster[];
}
const accuracy = new Map(
  BLACK_BOXES.map((arch) => [
    arch,
    readJson<BlackBoxSummary>(path.join(BLACK_BOXES_DIR, `${arch}.json`))?.testAccuracy,
  ]),
);
const scored: MaskerScores[] = [];
const batch = data.batch(0, SCORED);
for (const arch of BLACK_BOXES) {
  if (accuracy.get(arch) === undefined)
    console.log(
      `${arch}: no results/black-boxes/${arch}.json; make it with:\n  ${trainBlackBoxCommand(arch)}`,
    );
  if (
    !fs.existsSync(path.join(BLACK_BOXES_DIR, arch, 'model.json')) ||
    !fs.existsSync(path.join(MASKERS_DIR, arch, 'masker.json'))
  ) {
    console.log(
      `${arch}: no trained black box or masker under results/; make them with:\n  ${trainBlackBoxCommand(arch)}\n  ${trainMaskerCommand(arch)}`,
    );
    continue;
  }
  const bb = await loadKitBlackBox(arch);
  const masker = await loadTrainedMasker(arch);
  try {
    const masks = await maskerSaliency(bb.blackBox, batch.images, Array.from(batch.labels), {
      masker: masker.masker,
    });
    scored.push({
      arch,
      accuracy: accuracy.get(arch),
      meanArea: summarise(meanMaskArea(masks)).mean,
      sharpness: summarise(maskSharpness(masks)).mean,
      shown: batchRasters(masks.dataSync(), masks.shape).slice(0, SHOWN),
    });
    masks.dispose();
  } finally {
    masker.dispose();
    bb.dispose();
  }
}
if (scored.length) {
  const r3 = (v: number | undefined) => (v === undefined ? '–' : Number(v.toPrecision(3)));
  console.table(
    scored.map((s) => ({
      'black box': s.arch,
      'clean accuracy': r3(s.accuracy),
      'mean mask area': r3(s.meanArea),
      'mask sharpness': r3(s.sharpness),
    })),
  );
  showFigure(
    groupedBarFigure(
      scored.flatMap((s) => [
        ...(s.accuracy === undefined
          ? []
          : [{ category: s.arch, group: 'clean accuracy (cluttered test)', value: s.accuracy }]),
        { category: s.arch, group: `mean mask area (${SCORED} images)`, value: s.meanArea },
        {
          category: s.arch,
          group: 'mask sharpness (share outside (0.1, 0.9))',
          value: s.sharpness,
        },
      ]),
      {
        valueTitle: 'fraction',
        categoryTitle: 'black box',
        valueRange: [0, 1.1],
        decimals: 2,
        title: 'The black boxes and their maskers',
      },
    ),
  );
}
//%% md
// ## Masks of the three maskers on the same images
//
// Each row: the test image with its item's box, then the mask of each
// black box's masker for the true class.
//%% code
if (scored.length) {
  const images = batchRasters(batch.images.dataSync(), batch.images.shape);
  const panels: GridPanel[] = [];
  for (let i = 0; i < SHOWN; i++) {
    panels.push({
      title: data.classNames[batch.labels[i]],
      image: images[i],
      boxes: [{ box: batch.boxes[i], role: 'true' }],
    });
    for (const s of scored)
      panels.push({ title: `masker · ${s.arch}`, image: images[i], mask: s.shown[i] });
  }
  showFigure(
    imageGridFigure(panels, {
      columns: 1 + scored.length,
      panelSize: 130,
      title: 'Masks of each black box’s masker (true class)',
    }),
  );
}
tf.dispose(batch.images);
