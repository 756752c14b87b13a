/**
 * Trains the masker with several seeds per black box, scores each with the
 * kit's evaluation, and installs the one that localises best on the held-out
 * tuning images (`bestOnTuning`; the test images never enter the choice).
 *
 *   1. `train-masker.ts --black-box <bb> --seed <s>` into `<work>/<bb>/seed-<s>/`,
 *   2. `evaluate.ts --methods masker` on each (α tuned on held-out images, then test),
 *   3. the chosen candidate copied to `<out>/<bb>/` and `<out>/<bb>.json`, and
 *      `<out>/selection-<bb>.json` listing every candidate's tuning and test scores.
 *
 * Steps 1 and 2 run `--jobs` children at a time and skip what is finished,
 * so an interrupted run resumes (training from its checkpoints).
 *
 * Run: npx ts-node --transpile-only experiments/select-masker.ts --black-box all --seeds 0,1,2 --jobs 2
 */
import * as fs from 'fs';
import * as path from 'path';
import { initEngine } from '../lib/engine/backend';
import { ARCHITECTURE_NAMES } from '../lib/models/architecture';
import { assertAllSucceeded, ChildRun, runInParallel } from '../lib/parallel';
import { readJson, RESULTS_DIR, runMetadata, writeJsonAtomic } from '../lib/results';
import type { PairResultFile } from '../lib/evaluation/benchmark';
import { bestOnTuning } from '../lib/saliency/masker-selection';
import { checkOutputPath, NON_NEGATIVE_INTEGER, parseChoice, parseNumberList, parsePositiveInteger, program, runMain } from '../lib/cli';

interface Options { blackBox: string; seeds: string; trainArgs: string; evalArgs: string; work: string; out: string; jobs: string }

async function main(): Promise<void> {
  const startedAt = new Date();
  const opts = program('Train the masker with several seeds and keep the best on held-out images')
    .option('--black-box <name>', `${ARCHITECTURE_NAMES.join(' | ')} | all`, 'all')
    .option('--seeds <list>', 'seeds to train', '0,1,2')
    .option('--train-args <args>', 'further train-masker.ts flags, space-separated', '')
    .option('--eval-args <args>', 'evaluate.ts image counts', '--images 1000 --tune-images 1000 --pairs 200')
    .option('--work <dir>', 'candidates folder', path.join(RESULTS_DIR, 'maskers', 'seeds'))
    .option('--out <dir>', 'where the chosen masker goes', path.join(RESULTS_DIR, 'maskers'))
    .option('--jobs <n>', 'parallel processes', '1')
    .parse()
    .opts<Options>();
  const blackBox = parseChoice(opts.blackBox, [...ARCHITECTURE_NAMES, 'all'], '--black-box');
  const blackBoxes = blackBox === 'all' ? [...ARCHITECTURE_NAMES] : [blackBox];
  const seeds = parseNumberList(opts.seeds, '--seeds', NON_NEGATIVE_INTEGER);
  const jobs = parsePositiveInteger(opts.jobs, '--jobs');
  checkOutputPath(opts.work, '--work', 'folder');
  checkOutputPath(opts.out, '--out', 'folder');
  await initEngine(); // for the run metadata; the children do the tensor work
  const split = (s: string) => s.split(/\s+/).filter(Boolean);
  const candidates = blackBoxes.flatMap((bb) => seeds.map((seed) => ({ bb, seed, dir: path.join(opts.work, bb, `seed-${seed}`) })));
  const trained = (c: (typeof candidates)[number]) => path.join(c.dir, `${c.bb}.json`);
  const scored = (c: (typeof candidates)[number]) => path.join(c.dir, 'eval', `masker__${c.bb}.json`);

  const train: ChildRun[] = candidates.filter((c) => !fs.existsSync(trained(c))).map((c) => ({
    label: `${c.bb}/seed-${c.seed}`,
    script: path.join(__dirname, 'train-masker.ts'),
    args: ['--black-box', c.bb, '--seed', String(c.seed), '--out', c.dir, '--checkpoints', path.join(c.dir, 'checkpoints'), ...split(opts.trainArgs)],
  }));
  assertAllSucceeded(await runInParallel(train, jobs));
  const evaluate: ChildRun[] = candidates.map((c) => ({
    label: `${c.bb}/seed-${c.seed}`,
    script: path.join(__dirname, 'evaluate.ts'),
    args: ['--methods', 'masker', '--black-boxes', c.bb, '--masker-dir', c.dir, '--out', path.join(c.dir, 'eval'), ...split(opts.evalArgs)],
  }));
  assertAllSucceeded(await runInParallel(evaluate, jobs));

  for (const bb of blackBoxes) {
    const scores = candidates.filter((c) => c.bb === bb).map((c) => {
      const s = readJson<PairResultFile>(scored(c), 'delete it to score that seed again')!.scores;
      return { seed: c.seed, dir: c.dir, tuning: s.tuning, test: { localisationError: s.localisation.error, meanSaliencyMetric: s.saliencyMetric.mean, meanMaskArea: s.meanMaskArea } };
    });
    const best = bestOnTuning(scores);
    fs.rmSync(path.join(opts.out, bb), { recursive: true, force: true });
    fs.cpSync(path.join(best.dir, bb), path.join(opts.out, bb), { recursive: true });
    fs.copyFileSync(path.join(best.dir, `${bb}.json`), path.join(opts.out, `${bb}.json`));
    writeJsonAtomic(path.join(opts.out, `selection-${bb}.json`), {
      blackBox: bb,
      rule: 'highest localisation accuracy on the held-out tuning images (ties: higher mean IoU, then smaller seed); test scores listed, not used',
      chosenSeed: best.seed,
      candidates: scores.map(({ dir, tuning, ...rest }) => ({ ...rest, dir: path.relative(process.cwd(), dir), tuning: { accuracy: tuning.accuracy, meanIoU: tuning.meanIoU, alpha: tuning.alpha } })),
      trainArgs: opts.trainArgs,
      evalArgs: opts.evalArgs,
      run: runMetadata(startedAt),
    });
    console.log(`${bb}: seed ${best.seed} (tuning accuracy ${scores.map((s) => `${s.seed}: ${s.tuning.accuracy.toFixed(3)}`).join(', ')}) → ${path.join(opts.out, bb)}`);
  }
}

runMain(main);
