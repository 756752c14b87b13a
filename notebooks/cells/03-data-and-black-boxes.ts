//%% md
// # 03 · Cluttered Fashion-MNIST and the three black boxes
//
// ImageNet is out of reach here, so the kit's default benchmark places real
// Fashion-MNIST items on 64×64 textured, cluttered canvases (docs/design.md §3).
// Each image knows its item's exact box and silhouette: the ground truth for
// localisation. The three black boxes (`plain`, `inception`, `residual`) play
// the roles of the paper's AlexNet, GoogLeNet and ResNet-50.
//
// `SALIENCY_NOTEBOOK_FAST=1` picks a small configuration (used by CI).
//%% code
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { notebookSetup } from './lib/plot/notebook-setup';
import { ClutteredFashionMnist } from './lib/data/cluttered';
import { ARCHITECTURE_NAMES } from './lib/classifiers/architecture';
import { BLACK_BOXES_DIR, loadKitBlackBox } from './lib/classifiers/kit-black-boxes';
import { readJson } from './lib/io/results';
import { imageGridFigure, GridPanel } from './lib/plot/image-grid';
import { groupedBarFigure } from './lib/plot/grouped-bars';
import { batchRasters } from './lib/plot/raster';
import { showFigure } from './lib/plot/notebook-display';

const { fast: FAST } = await notebookSetup();
//%% md
// ## Samples
//
// Single-item images (the first item's box in green) and two-item images
// (both items' boxes) from the test split.
//%% code
const single = new ClutteredFashionMnist({ split: 'test' });
const pair = new ClutteredFashionMnist({ split: 'test', variant: 'pair' });
const count = FAST ? 4 : 8;
const samples = [
  ...Array.from({ length: count }, (_, i) => single.sample(i)),
  ...Array.from({ length: 4 }, (_, i) => pair.sample(i)),
];
const size = single.config.size;
const panels: GridPanel[] = samples.map((s) => ({
  title: s.items.map((item) => single.classNames[item.label]).join(' + '),
  image: { data: s.image, height: size, width: size, channels: 3 },
  boxes: s.items.map((item) => ({ box: item.box, role: 'true' as const })),
}));
showFigure(
  imageGridFigure(panels, {
    columns: 4,
    panelSize: 140,
    title: 'Cluttered Fashion-MNIST (test split): single items, then pairs',
  }),
);
//%% md
// ## The black boxes' accuracy
//
// Read from `results/black-boxes/<arch>.json`, written by
// `experiments/paper/train-black-box.ts`: accuracy on the 10,000 cluttered test
// images, and on plain Fashion-MNIST test items (centred on black, no clutter).
//%% code
interface BlackBoxSummary {
  arch: string;
  testAccuracy: number;
  plainFashionMnistTestAccuracy: number;
  params: number;
  mflops: number;
  imagesPerSecond: number;
}
const summaries = ARCHITECTURE_NAMES.map((arch) =>
  readJson<BlackBoxSummary>(path.join(BLACK_BOXES_DIR, `${arch}.json`)),
).filter((s): s is BlackBoxSummary => s !== undefined);
const missing = ARCHITECTURE_NAMES.filter((arch) => !summaries.some((s) => s.arch === arch));
if (missing.length) {
  console.log(
    `missing results/black-boxes/{${missing.join(',')}}.json; produce them with:\n  npx ts-node --transpile-only experiments/paper/train-black-box.ts --arch all --jobs 2`,
  );
}
if (summaries.length) {
  console.table(
    summaries.map((s) => ({
      arch: s.arch,
      'cluttered test': s.testAccuracy,
      'plain test': s.plainFashionMnistTestAccuracy,
      params: s.params,
      MFLOP: s.mflops,
    })),
  );
  showFigure(
    groupedBarFigure(
      summaries.flatMap((s) => [
        { category: s.arch, group: 'Cluttered Fashion-MNIST test', value: 100 * s.testAccuracy },
        {
          category: s.arch,
          group: 'plain Fashion-MNIST test',
          value: 100 * s.plainFashionMnistTestAccuracy,
        },
      ]),
      {
        valueTitle: 'accuracy (%)',
        categoryTitle: 'black box',
        valueRange: [0, 100],
        title: 'Black-box accuracy',
      },
    ),
  );
}
//%% md
// ## What a black box predicts
//
// The first trained black box found, on the samples above: true class,
// predicted class and its probability.
//%% code
const available = ARCHITECTURE_NAMES.find((arch) =>
  fs.existsSync(path.join(BLACK_BOXES_DIR, arch, 'model.json')),
);
if (!available) {
  console.log(
    'no trained black box under results/black-boxes/; train one with:\n  npx ts-node --transpile-only experiments/paper/train-black-box.ts --arch plain',
  );
} else {
  const loaded = await loadKitBlackBox(available);
  const batch = single.batch(0, count);
  const probs = tf.tidy(() => loaded.blackBox.predict(batch.images));
  const p = probs.arraySync();
  const rasters = batchRasters(batch.images.dataSync(), batch.images.shape);
  showFigure(
    imageGridFigure(
      rasters.map((image, i) => {
        const top = p[i].indexOf(Math.max(...p[i]));
        return {
          image,
          title: `${single.classNames[batch.labels[i]]} → ${single.classNames[top]} (${p[i][top].toFixed(2)})`,
          boxes: [{ box: batch.boxes[i], role: 'true' as const }],
        };
      }),
      {
        columns: 4,
        panelSize: 140,
        title: `Predictions of the ${available} black box (true → predicted)`,
      },
    ),
  );
  tf.dispose([probs, batch.images]);
  loaded.dispose();
}
