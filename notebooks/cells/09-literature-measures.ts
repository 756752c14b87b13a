//%% md
// # 09 · The literature's measures: pointing game, deletion and insertion, sanity checks
//
// Beyond the paper's localisation error and crop metric (notebook 05), three
// measures researchers read today (docs/evaluation-measures.md):
//
// - **pointing game** (Zhang et al. 2016): is the map's maximum on the item
//   (within 15 px at 224, 4.3 px at 64)? On two-item images: on the item asked for?
// - **deletion and insertion** (Petsiuk et al. 2018): the class probability as
//   pixels are removed (or revealed) most salient first, replaced by Φ's
//   blurred image or by 0; the area under the curve (deletion: lower is
//   better; insertion: higher is better);
// - **sanity checks** (Adebayo et al. 2018): do the maps change when the black
//   box's weights are randomised, or when it is trained on random labels?
//
// First the measures computed live on a few images (`SALIENCY_NOTEBOOK_FAST=1`:
// 2 images, 8 curve steps), then the committed results of
// `experiments/paper/evaluate.ts` and `experiments/paper/sanity-checks.ts`.
// `SALIENCY_NOTEBOOK_BLACK_BOX` picks the black box (default `plain`).
//%% code
import * as fs from 'fs';
import * as path from 'path';
import { initEngine } from './lib/engine/backend';
import { ClutteredFashionMnist } from './lib/data/cluttered';
import { loadKitBlackBox, LoadedBlackBox } from './lib/classifiers/kit-black-boxes';
import { methodMasks } from './lib/methods/registry';
import { deletionInsertion, REMOVAL_KINDS } from './lib/metrics/deletion-insertion';
import { pointingGame } from './lib/metrics/pointing-game';
import { readJson, RESULTS_DIR } from './lib/io/results';
import { readPairResults } from './lib/evaluation/table';
import { imageGridFigure } from './lib/plot/image-grid';
import { lineChartFigure } from './lib/plot/line-chart';
import { batchRasters } from './lib/plot/raster';
import { storedHistogramFigure } from './lib/plot/stored-histogram';
import { showFigure } from './lib/plot/notebook-display';

const FAST = process.env.SALIENCY_NOTEBOOK_FAST === '1';
const BLACK_BOX = process.env.SALIENCY_NOTEBOOK_BLACK_BOX ?? 'plain';
const IMAGES = FAST ? 2 : 6;
const STEPS = FAST ? 8 : 32;
const engine = await initEngine();
console.log(
  `engine ${engine.engine}; fast configuration: ${FAST} (${IMAGES} images, ${STEPS} curve steps)`,
);
//%% md
// ## Live: the gradient map's maximum and its deletion and insertion curves
//%% code
const data = new ClutteredFashionMnist({ split: 'test' });
const batch = data.batch(0, IMAGES);
const classes = Array.from(batch.labels);
let loaded: LoadedBlackBox | undefined;
try {
  loaded = await loadKitBlackBox(BLACK_BOX);
} catch (err) {
  console.log(`${(err as Error).message}\n(the live cells are skipped)`);
}
if (loaded) {
  const masks = await methodMasks('gradient', loaded.blackBox, { images: batch.images, classes });
  const pointing = pointingGame(masks, batch.boxes);
  showFigure(
    imageGridFigure(
      batchRasters(batch.images.dataSync(), batch.images.shape).map((image, i) => ({
        image,
        mask: batchRasters(masks.dataSync(), masks.shape)[i],
        title: `${data.classNames[classes[i]]}: ${pointing.hit[i] ? 'hit' : 'miss'}`,
        boxes: [{ box: batch.boxes[i], role: 'true' as const }],
      })),
      { columns: IMAGES, panelSize: 160, title: 'Gradient maps and the true boxes' },
    ),
  );
  for (const removal of REMOVAL_KINDS) {
    const r = deletionInsertion(loaded.blackBox, batch.images, masks, classes, {
      steps: STEPS,
      removal,
    });
    const x = Array.from({ length: STEPS + 1 }, (_, t) => t / STEPS);
    showFigure(
      lineChartFigure(
        [
          ...r.deletion.curve.map((y, i) => ({
            name: `deletion ${i} (AUC ${r.deletion.auc[i].toFixed(2)})`,
            x,
            y,
          })),
          ...r.insertion.curve.map((y, i) => ({
            name: `insertion ${i} (AUC ${r.insertion.auc[i].toFixed(2)})`,
            x,
            y,
          })),
        ],
        {
          xTitle: 'fraction of pixels removed (deletion) or revealed (insertion)',
          yTitle: 'class probability',
          title: `Gradient on ${BLACK_BOX}, removed pixels replaced by ${removal === 'blur' ? 'the blurred image' : '0'}`,
        },
      ),
    );
  }
  masks.dispose();
}
batch.images.dispose();
//%% md
// ## The committed evaluation: scores and mean curves
//
// `results/evaluation/<method>__<black box>.json` hold `pointingGame`,
// `deletionAuc`, `insertionAuc` and the mean curves (`curves`); `make-table`
// renders them as the third table of `results/evaluation/table.md`.
//%% code
const pairs = readPairResults(path.join(RESULTS_DIR, 'evaluation')).filter(
  (p) => p.scores.pointingGame,
);
if (!pairs.length)
  console.log(
    'no results with the new measures yet; produce them with:\n  npx ts-node --transpile-only experiments/paper/evaluate.ts --methods all --black-boxes all',
  );
const r3 = (v: number) => Number(v.toPrecision(3));
console.table(
  pairs.map((p) => ({
    method: p.method,
    'black box': p.blackBox,
    'pointing %': r3(100 * p.scores.pointingGame.rate),
    'pairs: on requested %': r3(100 * p.scores.pointingGame.pairs.requested.rate),
    'del. blur': r3(p.scores.deletionAuc.blur.mean),
    'del. 0': r3(p.scores.deletionAuc.constant.mean),
    'ins. blur': r3(p.scores.insertionAuc.blur.mean),
    'ins. 0': r3(p.scores.insertionAuc.constant.mean),
    'curve images': p.scores.deletionAuc.images,
  })),
);
//%% code
const onBox = pairs.filter((p) => p.blackBox === BLACK_BOX);
for (const curve of ['deletion', 'insertion'] as const)
  for (const removal of REMOVAL_KINDS) {
    if (!onBox.length) break;
    showFigure(
      lineChartFigure(
        onBox.map((p) => {
          const y = p.scores.curves[curve][removal];
          return { name: p.method, x: y.map((_, t) => t / (y.length - 1)), y };
        }),
        {
          xTitle: `fraction of pixels ${curve === 'deletion' ? 'removed' : 'revealed'}`,
          yTitle: 'mean class probability',
          title: `Mean ${curve} curves on ${BLACK_BOX} (${removal === 'blur' ? 'blurred image' : '0'})`,
        },
      ),
    );
  }
//%% md
// ## Distributions: the crop metric and the mask area
//
// The results store a 20-bin histogram of each; here as the share of a
// method's images per bin (slow methods are scored on fewer images).
//%% code
if (onBox.length) {
  showFigure(
    storedHistogramFigure(
      onBox.map((p) => ({ name: p.method, ...p.scores.saliencyMetric.histogram })),
      { metric: 's(a, p), lower is better', title: `Crop metric on ${BLACK_BOX}` },
    ),
  );
  showFigure(
    storedHistogramFigure(
      onBox.map((p) => ({ name: p.method, ...p.scores.maskArea.histogram })),
      { metric: 'mean mask value per image', title: `Mask area on ${BLACK_BOX}` },
    ),
  );
}
//%% md
// ## Sanity checks
//
// `results/sanity/<method>__<black box>.json`: Spearman's ρ between the
// maps of the trained black box and those after randomising every block
// (all at once) or of a black box trained on random labels; for the masker,
// between maskers retrained against each (it never calls the black box when
// it makes a mask). A method passes when ρ < 0.2 under full randomisation.
//%% code
interface SanityFile {
  method: string;
  blackBox: string;
  images: number;
  repeat: { spearman: { mean: number } };
  allAtOnce: { spearman: { mean: number }; ssim: { mean: number } };
  shuffledLabels: { spearman: { mean: number } };
  cascade: { step: number; randomisedBlocks: string[]; spearman: { mean: number } }[];
  retrained?: {
    allAtOnceRandomised: { spearman: { mean: number }; ssim: { mean: number } };
    randomLabels: { spearman: { mean: number } };
    otherSeedSameBlackBox: { spearman: { mean: number } };
  };
  passes: { allAtOnce: boolean };
}
const sanityDir = path.join(RESULTS_DIR, 'sanity');
const sanity = fs.existsSync(sanityDir)
  ? fs
      .readdirSync(sanityDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => readJson<SanityFile>(path.join(sanityDir, f))!)
  : [];
if (!sanity.length)
  console.log(
    'no sanity checks yet: npx ts-node --transpile-only experiments/paper/sanity-checks.ts',
  );
console.table(
  sanity.map((s) => ({
    method: s.method,
    'black box': s.blackBox,
    images: s.images,
    'ρ repeat': r3(s.repeat.spearman.mean),
    'ρ all random': r3((s.retrained?.allAtOnceRandomised ?? s.allAtOnce).spearman.mean),
    'SSIM all random': r3((s.retrained?.allAtOnceRandomised ?? s.allAtOnce).ssim.mean),
    'ρ random labels': r3((s.retrained?.randomLabels ?? s.shuffledLabels).spearman.mean),
    'ρ masker other seed': s.retrained ? r3(s.retrained.otherSeedSameBlackBox.spearman.mean) : '',
    passes: s.passes.allAtOnce,
  })),
);
//%% md
// Cascading randomisation on the chosen black box: ρ after randomising the
// blocks from the logits down, one more at each step (the masker's rows are
// the trivial not-retrained case: always 1).
//%% code
const cascade = sanity.filter((s) => s.blackBox === BLACK_BOX);
if (cascade.length)
  showFigure(
    lineChartFigure(
      cascade.map((s) => ({
        name: s.method,
        x: s.cascade.map((c) => c.step),
        y: s.cascade.map((c) => c.spearman.mean),
      })),
      {
        xTitle: `blocks randomised from the top (${cascade[0].cascade.map((c) => c.randomisedBlocks.at(-1)).join(', ')})`,
        yTitle: 'Spearman ρ with the trained maps',
        title: `Cascading randomisation on ${BLACK_BOX}`,
      },
    ),
  );
//%% code
if (loaded) loaded.dispose();
