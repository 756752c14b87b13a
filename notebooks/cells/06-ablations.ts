//%% md
// # 06 · Ablations: the alternative image A and the weights λ1..λ4
//
// Dabkowski & Gal (2017, §4) remove evidence by blending the image with an
// alternative A (blur, colour + noise, or a random mix of both) and weigh the
// mask's smoothness (λ1, TV) and area (λ2, AV) against keeping and destroying
// the class. `experiments/paper/ablate.ts` scores one setting per results file,
// `results/ablations/<study>/<setting id>.json`, with iterative masks (or
// trained maskers) on the `residual` black box and the evaluation of notebook 05 (localisation
// error, crop metric s(a, p), mask area, fake-class mask area):
//
// - `npm run ablation:alternative`: A ∈ {blur, noise, constant, random-mix};
// - `npm run ablation:alternative-masker`: the same A's, one trained masker each;
// - `npm run ablation:lambda`: λ1 ∈ {3, 10, 30} × λ2 ∈ {2, 8}.
//
// The first sections only read those files; the last one runs a sweep of
// your own. Environment: `SALIENCY_ABLATIONS_DIR` reads the studies from
// another folder (default `results/ablations`); `SALIENCY_NOTEBOOK_FAST=1`
// makes the last section's sweep tiny and temporary (used by CI).
//%% code
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  AblationRow,
  DEFAULT_ABLATIONS_DIR,
  readAblationStudy,
  settingLabel,
  varyingParameters,
} from './lib/evaluation/ablation-results';
import { AblationSweepSpec, runAblationSweep } from './lib/commands/ablation-command';
import {
  ablationBarsFigure,
  ablationCropMetricFigure,
  ablationCurveFigure,
  lambdaHeatmapFigure,
} from './lib/plot/ablation-figures';
import { showFigure } from './lib/plot/notebook-display';

const FAST = process.env.SALIENCY_NOTEBOOK_FAST === '1';
const ABLATIONS = process.env.SALIENCY_ABLATIONS_DIR ?? DEFAULT_ABLATIONS_DIR;
console.log(`fast configuration: ${FAST}; studies read from ${ABLATIONS}`);
const r3 = (v: number) => Number(v.toPrecision(3));
const table = (rows: readonly AblationRow[]) => {
  const varying = varyingParameters(rows);
  console.log(`${rows.length} settings on ${[...new Set(rows.map((r) => r.blackBox))].join(', ')}`);
  console.table(
    rows.map((r) => ({
      setting: settingLabel(r.setting, varying),
      'loc. error': r3(r.localisationError),
      'mean s': r3(r.cropMetric.mean),
      'median s': r3(r.cropMetric.median),
      'mask area': r3(r.meanMaskArea),
      'fake-class area': r3(r.fakeClassMeanArea),
      'segm. IoU': r3(r.segmentationIoU),
    })),
  );
};
//%% md
// ## The alternative image A
//
// The paper picks a random mix of blur and colour + noise so that the mask
// cannot exploit the artefacts of one kind of removal. Per A: the scores side
// by side, then the crop metric's distribution (box from its stored 5, 25,
// 50, 75, 95% quantiles; mean dashed). First with iterative masks (no
// training, so nothing can be exploited across images), then with one trained
// masker per A (`npm run ablation:alternative-masker`), the paper's setting.
//%% code
const showAlternatives = (study: string, method: string) => {
  const rows = readAblationStudy(path.join(ABLATIONS, study));
  if (!rows.length) {
    console.log(
      `no ${path.join(ABLATIONS, study)}/*.json yet; produce them with:\n  npm run ablation:${study}`,
    );
    return;
  }
  table(rows);
  showFigure(
    ablationBarsFigure(rows, undefined, { title: `Scores per alternative image A (${method})` }),
  );
  showFigure(
    ablationCropMetricFigure(rows, { title: `Crop metric per alternative image A (${method})` }),
  );
};
showAlternatives('alternative', 'iterative masks');
//%% code
showAlternatives('alternative-masker', 'trained maskers');
//%% md
// ## The weights λ1 (TV) and λ2 (area)
//
// A larger λ1 gives smoother masks, a larger λ2 smaller ones; too small a
// mask loses the class (high s), too large a one stops localising.
//%% code
const lambdaRows = readAblationStudy(path.join(ABLATIONS, 'lambda'));
if (!lambdaRows.length) {
  console.log(
    `no ${path.join(ABLATIONS, 'lambda')}/*.json yet; produce them with:\n  npm run ablation:lambda`,
  );
} else {
  table(lambdaRows);
  showFigure(
    lambdaHeatmapFigure(lambdaRows, 'localisationError', {
      title: 'Localisation error over (λ1, λ2)',
    }),
  );
  showFigure(
    lambdaHeatmapFigure(lambdaRows, 'meanCropMetric', {
      title: 'Mean crop metric s(a, p) over (λ1, λ2)',
    }),
  );
  showFigure(
    lambdaHeatmapFigure(lambdaRows, 'meanMaskArea', { title: 'Mean mask area over (λ1, λ2)' }),
  );
}
//%% md
// ## Your own sweep
//
// Edit the grid in the cell below and run it: any of A, λ1 (TV), λ2 (area),
// λ3 (destroyer weight) and λ4 (its power), with iterative masks or, with
// `method: 'masker'`, one masker trained per setting (then also the fake-class
// probability). It runs `experiments/paper/ablate.ts` as a child process into a
// study of its own, `<SALIENCY_ABLATIONS_DIR>/notebook/` (finished settings
// are skipped, so a rerun only runs the new ones), then draws the same
// figures for this sweep's settings and each score against λ2. The same
// sweep from a terminal, e.g. on another black box or sharded over machines:
//
// ```bash
// npx ts-node --transpile-only experiments/paper/ablate.ts --study mine \
//   --alternatives blur,random-mix --tv 3,10 --area 2,8 --destroy 5 --power 0.3 --iterations 60 --jobs 2
// npx ts-node --transpile-only experiments/paper/ablate.ts --help   # every flag (--shard i/n, --method masker, --fake-prob, …)
// ```
//
// With `SALIENCY_NOTEBOOK_FAST=1` (CI) your grid runs as written but cheaply
// (3 iterations or 20 training steps, 4 images) in a temporary folder that
// is deleted afterwards; the cell prints which configuration ran.
//%% code
// Your sweep: edit these values.
const mySweep: AblationSweepSpec = {
  study: 'notebook',
  out: ABLATIONS,
  blackBox: 'residual',
  method: 'iterative-mask', // or 'masker': one masker trained per setting
  alternatives: ['random-mix'],
  tv: [3, 10], // λ1
  area: [2, 8], // λ2
  destroy: [5], // λ3
  destroyPower: [0.3], // λ4
  fakeClassProbability: [0.3], // maskers only
  iterations: 60, // iterative masks: steps per image
  steps: 300, // maskers: training steps
  images: 24,
  tuneImages: 24,
  pairs: 12,
  jobs: 2,
};
const sweep: AblationSweepSpec = FAST
  ? {
      ...mySweep,
      out: fs.mkdtempSync(path.join(os.tmpdir(), 'saliency-ablation-')),
      iterations: 3,
      steps: 20,
      images: 4,
      tuneImages: 4,
      pairs: 2,
      jobs: 1,
    }
  : mySweep;
const cost =
  sweep.method === 'masker' ? `${sweep.steps} training steps` : `${sweep.iterations} iterations`;
console.log(
  `${FAST ? 'fast' : 'full'} configuration: ${sweep.method} on ${sweep.blackBox}, ${cost}, ${sweep.images} test images → ${path.join(sweep.out, sweep.study)}`,
);
try {
  const started = performance.now();
  const rows = await runAblationSweep(sweep);
  console.log(`sweep done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  table(rows);
  showFigure(ablationBarsFigure(rows, undefined, { title: `Your sweep (${sweep.blackBox})` }));
  showFigure(ablationCropMetricFigure(rows, { title: 'Crop metric per setting' }));
  if (new Set(rows.map((r) => r.setting.lambdas.area)).size > 1) {
    for (const metric of ['localisationError', 'meanCropMetric', 'meanMaskArea'] as const) {
      showFigure(
        ablationCurveFigure(rows, 'area', metric, { title: `Against λ2 (${sweep.blackBox})` }),
      );
    }
  }
} finally {
  if (FAST) fs.rmSync(sweep.out, { recursive: true, force: true });
}
