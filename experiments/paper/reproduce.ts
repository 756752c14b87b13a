/**
 * Reproduces the kit's version of the evaluation of Dabkowski & Gal (2017),
 * "Real Time Image Saliency for Black Box Classifiers", from the committed
 * weights (results/black-boxes/*, results/maskers/*), in under ten minutes
 * on two cores:
 *
 * 1. per black box, a figure of every method's masks on 8 test images
 *    (results/figures/masks-<blackbox>.png);
 * 2. the evaluation in a fast configuration (cheap methods on 300 images,
 *    slow ones on a few), `--jobs` pairs at a time, into
 *    results/evaluation/fast/ (the full evaluation's files in
 *    results/evaluation/ are left alone);
 * 3. the Table 1 analogue of those files (results/evaluation/fast/table.md).
 *
 * `--retrain` first re-runs the training commands (black boxes, then maskers)
 * and records how long they took. Missing weights stop the run with the file
 * and the command that makes it.
 *
 * Run: npx ts-node --transpile-only experiments/paper/reproduce.ts [--retrain] [--jobs 2]
 */
import * as fs from 'fs';
import * as path from 'path';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import { initEngine } from '../../lib/engine/backend';
import {
  mergeMethodOptions,
  MethodOptions,
  MethodResources,
  prepareMethods,
  saliencyMethodNames,
} from '../../lib/methods/registry';
import { EvaluationBlackBox, loadEvaluationBlackBox } from '../../lib/classifiers/kit-black-boxes';
import { maskFigure } from '../../lib/plot/mask-figure';
import { ARCHITECTURE_NAMES } from '../../lib/classifiers/architecture';
import { COMMITTED_METHOD_OPTIONS } from '../../lib/evaluation/committed-method-options';
import { assertAllSucceeded, ChildRun, runInParallel } from '../../lib/commands/parallel';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { checkOutputPath, parsePositiveInteger, program, runMain } from '../../lib/commands/cli';

interface Options {
  retrain?: boolean;
  jobs: string;
  out: string;
  figures: string;
  resume?: boolean;
  figuresOnly?: boolean;
}

/** The fast evaluation: cheap methods on 300 test images, 100 tuning and 100 two-item images; slow ones on a few. */
const FAST_EVALUATION_ARGS = [
  '--images',
  '300',
  '--tune-images',
  '100',
  '--pairs',
  '100',
  '--batch',
  '50',
  '--speed-batch',
  '8',
  '--limit',
  'iterative-mask=8,rise=20,occlusion=40',
];
/** Test images shown in each figure. */
const FIGURE_IMAGES = 8;

const script = (name: string) => path.join(__dirname, name);

/** Runs one command as a child process and throws if it fails; returns its seconds. */
async function runStep(run: ChildRun): Promise<number> {
  console.log(
    `\n== ${run.label}: ${path.relative(process.cwd(), run.script)} ${run.args.join(' ')}`,
  );
  const results = await runInParallel([run], 1);
  assertAllSucceeded(results);
  return results[0].seconds;
}

async function main(): Promise<void> {
  const opts = program('Figures, fast evaluation and Table 1 analogue from the committed weights')
    .option('--retrain', 're-run black-box and masker training first (long)')
    .option('--jobs <n>', 'parallel processes', '2')
    .option(
      '--out <dir>',
      'results folder of the fast evaluation',
      path.join(RESULTS_DIR, 'evaluation', 'fast'),
    )
    .option('--figures <dir>', 'folder of the mask figures', path.join(RESULTS_DIR, 'figures'))
    .option(
      '--resume',
      'keep finished pairs of an earlier fast evaluation instead of re-running them',
    )
    .option('--figures-only', 'draw the mask figures and stop (no evaluation)')
    .parse()
    .opts<Options>();
  const startedAt = new Date();
  const seconds: Record<string, number> = {};
  const jobs = ['--jobs', String(parsePositiveInteger(opts.jobs, '--jobs'))];
  checkOutputPath(opts.out, '--out', 'folder');
  checkOutputPath(opts.figures, '--figures', 'folder');

  // 1. Optional retraining.
  if (opts.retrain) {
    seconds.trainBlackBoxes = await runStep({
      label: 'train black boxes',
      script: script('train-black-box.ts'),
      args: ['--arch', 'all', ...jobs],
    });
    seconds.trainMaskers = await runStep({
      label: 'train maskers',
      script: script('train-masker.ts'),
      args: ['--black-box', 'all', ...jobs],
    });
  }

  // 2. Figures (this process), one per black box; every weight file is loaded first, so a missing one stops the run before any work.
  const info = await initEngine();
  const figureStart = performance.now();
  const methods = saliencyMethodNames();
  const blackBoxes: EvaluationBlackBox[] = [];
  const resources = new Map<string, MethodResources>();
  try {
    for (const arch of ARCHITECTURE_NAMES) {
      blackBoxes.push(await loadEvaluationBlackBox(arch));
      resources.set(arch, await prepareMethods(methods, { blackBoxName: arch }));
    }
    const test = new ClutteredFashionMnist({ split: 'test' });
    const batch = test.batch(0, FIGURE_IMAGES);
    fs.mkdirSync(opts.figures, { recursive: true });
    try {
      for (const bb of blackBoxes) {
        const options = Object.assign(
          {},
          ...methods.map((m) =>
            mergeMethodOptions(
              m,
              COMMITTED_METHOD_OPTIONS[m as keyof MethodOptions] ?? {},
              resources.get(bb.name)?.options ?? {},
            ),
          ),
        ) as MethodOptions;
        const file = path.join(opts.figures, `masks-${bb.name}.png`);
        fs.writeFileSync(file, await maskFigure(bb.whiteBox, batch, methods, options));
        console.log(`wrote ${path.relative(process.cwd(), file)}`);
      }
    } finally {
      batch.images.dispose();
    }
  } finally {
    resources.forEach((r) => r.dispose());
    blackBoxes.forEach((bb) => bb.dispose());
  }
  seconds.figures = (performance.now() - figureStart) / 1000;

  if (opts.figuresOnly) {
    console.log(
      `\nfigures drawn in ${seconds.figures.toFixed(0)} s (--figures-only: no evaluation)`,
    );
    return;
  }

  // 3. Fast evaluation, then the table.
  const evaluateArgs = [
    '--methods',
    'all',
    '--black-boxes',
    'all',
    ...FAST_EVALUATION_ARGS,
    '--method-options',
    JSON.stringify(COMMITTED_METHOD_OPTIONS),
    '--out',
    opts.out,
    ...jobs,
  ];
  seconds.evaluation = await runStep({
    label: 'evaluate',
    script: script('evaluate.ts'),
    args: opts.resume ? evaluateArgs : [...evaluateArgs, '--force'],
  });
  seconds.table = await runStep({
    label: 'table',
    script: script('make-table.ts'),
    args: ['--dir', opts.out],
  });

  const total = (Date.now() - startedAt.getTime()) / 1000;
  writeJsonAtomic(path.join(opts.out, 'reproduce.json'), {
    seconds: { ...seconds, total },
    retrained: Boolean(opts.retrain),
    engine: info,
    run: runMetadata(startedAt),
  });
  console.log(
    `\ndone in ${(total / 60).toFixed(1)} min: ${Object.entries(seconds)
      .map(([k, v]) => `${k} ${v.toFixed(0)} s`)
      .join(', ')}`,
  );
}

runMain(main);
