//%% md
// # 05 · Evaluation: localisation, the crop metric, selectivity, speed
//
// Every saliency method on every black box, on Cluttered Fashion-MNIST test
// images (`experiments/paper/evaluate.ts`, one results file per pair in
// `results/evaluation/<method>__<black box>.json`):
//
// - **localisation error** (Fong & Vedaldi's protocol, as in the paper's
//   Table 1): threshold the map at α × its mean (α tuned on held-out training
//   images), box around the region, wrong when IoU with the true box < 0.5;
// - **crop metric** s(a, p) = log(max(a, 0.05)) − log p of the salient
//   region's tightest box (lower is better);
// - **class selectivity** on two-item images: mask mass inside the requested
//   item's box vs the other item's;
// - **speed**: masks per second.
//
// This notebook only reads those files. `SALIENCY_NOTEBOOK_FAST=1` changes
// nothing here (no computation); it is read for uniformity.
//%% code
import * as fs from 'fs';
import * as path from 'path';
import { readJson, RESULTS_DIR } from './lib/io/results';
import { quantileBoxFigure } from './lib/plot/distribution';
import { groupedBarFigure, localisationErrorFigure } from './lib/plot/grouped-bars';
import { showFigure } from './lib/plot/notebook-display';
import { evaluatedMethodNames } from './lib/methods/registry';

const FAST = process.env.SALIENCY_NOTEBOOK_FAST === '1';
console.log(`fast configuration: ${FAST}`);
interface PairResult {
  method: string;
  blackBox: string;
  scores: {
    localisation: { alpha: number; error: number; meanIoU: number };
    saliencyMetric: {
      mean: number;
      quantiles: { level: number; value: number }[];
      meanArea: number;
      meanProbability: number;
      emptyFraction: number;
    };
    segmentation: { meanIoU: number };
    meanMaskArea: number;
    selectivity: {
      requestedMass: number;
      otherMass: number;
      presentClassMeanArea: number;
      fakeClassMeanArea: number;
    };
    speed: { masksPerSecond: number; latencyMs: number };
  };
}
const dir = path.join(RESULTS_DIR, 'evaluation');
const files = fs.existsSync(dir)
  ? fs
      .readdirSync(dir)
      .filter((f) => /^.+__.+\.json$/.test(f))
      .sort()
  : [];
// Methods in the registry's order (a method registered in this kernel session included), the reference row last.
const order = evaluatedMethodNames();
const rank = (m: string) => (order.includes(m) ? order.indexOf(m) : order.length);
const pairs = files
  .map((f) => readJson<PairResult>(path.join(dir, f))!)
  .filter((p) => p?.scores)
  .sort((a, b) => rank(a.method) - rank(b.method) || a.blackBox.localeCompare(b.blackBox));
if (!pairs.length) {
  console.log(
    'no results/evaluation/<method>__<black box>.json yet; produce them with:\n  npx ts-node --transpile-only experiments/paper/evaluate.ts --methods all --black-boxes all --jobs 2',
  );
} else {
  console.log(
    `${pairs.length} (method, black box) pairs: ${pairs.map((p) => `${p.method} × ${p.blackBox}`).join(', ')}`,
  );
  const r3 = (v: number) => Number(v.toPrecision(3));
  console.table(
    pairs.map((p) => ({
      method: p.method,
      'black box': p.blackBox,
      'loc. error': r3(p.scores.localisation.error),
      'mean IoU': r3(p.scores.localisation.meanIoU),
      's(a, p)': r3(p.scores.saliencyMetric.mean),
      'segm. IoU': r3(p.scores.segmentation.meanIoU),
      'mask area': r3(p.scores.meanMaskArea),
      'masks/s': r3(p.scores.speed.masksPerSecond),
    })),
  );
}
//%% md
// ## Localisation error and the crop metric
//%% code
if (pairs.length) {
  showFigure(
    localisationErrorFigure(
      pairs.map((p) => ({
        method: p.method,
        blackBox: p.blackBox,
        error: p.scores.localisation.error,
      })),
      { title: 'Localisation error (IoU < 0.5)' },
    ),
  );
  const q = (p: PairResult, level: number) =>
    p.scores.saliencyMetric.quantiles.find((x) => Math.abs(x.level - level) < 1e-9)?.value ?? NaN;
  showFigure(
    quantileBoxFigure(
      pairs.map((p) => ({
        category: p.method,
        group: p.blackBox,
        lowerFence: q(p, 0.05),
        q1: q(p, 0.25),
        median: q(p, 0.5),
        q3: q(p, 0.75),
        upperFence: q(p, 0.95),
        mean: p.scores.saliencyMetric.mean,
      })),
      { metric: 's(a, p), lower is better', title: 'Crop saliency metric' },
    ),
  );
}
//%% md
// ## Class selectivity
//
// Two-item images, each item's class requested in turn: the share of mask
// mass inside the requested item's box against the other item's, and the mean
// mask value for the present classes against a class absent from the image.
//%% code
if (pairs.length) {
  const label = (p: PairResult) => `${p.method} · ${p.blackBox}`;
  showFigure(
    groupedBarFigure(
      pairs.flatMap((p) => [
        {
          category: label(p),
          group: 'mass in the requested item’s box',
          value: p.scores.selectivity.requestedMass,
        },
        {
          category: label(p),
          group: 'mass in the other item’s box',
          value: p.scores.selectivity.otherMass,
        },
        {
          category: label(p),
          group: 'mean mask, present class',
          value: p.scores.selectivity.presentClassMeanArea,
        },
        {
          category: label(p),
          group: 'mean mask, absent class',
          value: p.scores.selectivity.fakeClassMeanArea,
        },
      ]),
      {
        valueTitle: 'share / mean mask value',
        valueRange: [0, 1.05],
        decimals: 2,
        title: 'Class selectivity on two-item images',
        width: 900,
      },
    ),
  );
}
