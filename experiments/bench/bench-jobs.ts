/**
 * Does `--jobs 2` halve a sweep on 2 cores without changing its results?
 * Runs the same evaluation sweep (several method × black-box pairs, each one
 * child process of experiments/paper/evaluate.ts) with `--jobs 1` and `--jobs 2`
 * into two scratch folders, compares every pair's scores (everything but
 * the timings, speed and run metadata), and writes wall times and the
 * comparison to results/bench-jobs.json.
 *
 *   npx ts-node --transpile-only experiments/bench/bench-jobs.ts
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initEngine } from '../../lib/engine/backend';
import { evaluatedMethodNames } from '../../lib/methods/registry';
import { ARCHITECTURE_NAMES } from '../../lib/classifiers/architecture';
import { assertAllSucceeded, runInParallel } from '../../lib/commands/parallel';
import { readJson, RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import {
  checkOutputPath,
  parseChoiceList,
  parsePositiveInteger,
  program,
  runMain,
} from '../../lib/commands/cli';

interface Options {
  methods: string;
  blackBoxes: string;
  images: string;
  out: string;
}

/** A pair's scores without what legitimately differs between runs (times, speed, metadata). */
function comparable(file: string): unknown {
  const { scores } = readJson<{ scores: Record<string, unknown> }>(file)!;
  const { speed: _speed, ...rest } = scores;
  return rest;
}

async function main() {
  const opts = program(
    'Run one evaluation sweep with --jobs 1 and --jobs 2: wall times, and whether the scores agree',
  )
    .option('--methods <list>', 'methods of the sweep', 'gradient,grad-cam,centre-box,masker')
    .option('--black-boxes <list>', 'black boxes of the sweep', 'residual,plain')
    .option(
      '--images <n>',
      'test images per pair (tuning and two-item images: a third of it)',
      '300',
    )
    .option('--out <file>', 'results file', path.join(RESULTS_DIR, 'bench-jobs.json'))
    .parse()
    .opts<Options>();
  const methods = parseChoiceList(opts.methods, evaluatedMethodNames(), '--methods').join(',');
  const blackBoxes = parseChoiceList(opts.blackBoxes, ARCHITECTURE_NAMES, '--black-boxes').join(
    ',',
  );
  const n = parsePositiveInteger(opts.images, '--images');
  checkOutputPath(opts.out, '--out', 'file');
  const started = new Date();
  await initEngine();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-jobs-'));
  const sweepArgs = [
    '--methods',
    methods,
    '--black-boxes',
    blackBoxes,
    '--images',
    String(n),
    '--tune-images',
    String(Math.ceil(n / 3)),
    '--pairs',
    String(Math.ceil(n / 3)),
  ];
  const wall: Record<string, number> = {};
  for (const jobs of [1, 2]) {
    const out = path.join(scratch, `jobs${jobs}`);
    console.log(`sweep with --jobs ${jobs} ...`);
    const t0 = performance.now();
    const [result] = await runInParallel(
      [
        {
          label: `jobs${jobs}`,
          script: path.join(__dirname, '..', 'paper', 'evaluate.ts'),
          args: [...sweepArgs, '--jobs', String(jobs), '--out', out],
        },
      ],
      1,
    );
    assertAllSucceeded([result]);
    wall[`jobs${jobs}`] = (performance.now() - t0) / 1000;
  }
  const files = fs
    .readdirSync(path.join(scratch, 'jobs1'))
    .filter((f) => f.endsWith('.json'))
    .sort();
  const mismatched = files.filter(
    (f) =>
      JSON.stringify(comparable(path.join(scratch, 'jobs1', f))) !==
      JSON.stringify(comparable(path.join(scratch, 'jobs2', f))),
  );
  const speedup = wall.jobs1 / wall.jobs2;
  console.log(
    `--jobs 1: ${wall.jobs1.toFixed(1)} s, --jobs 2: ${wall.jobs2.toFixed(1)} s (${speedup.toFixed(2)}× faster); ` +
      `${files.length} pairs, ${mismatched.length} with different scores`,
  );
  writeJsonAtomic(opts.out, {
    meta: runMetadata(started),
    config: { methods, blackBoxes, sweepArgs },
    pairs: files.length,
    wallSeconds: wall,
    speedup,
    identicalScores: mismatched.length === 0,
    mismatched,
  });
  fs.rmSync(scratch, { recursive: true, force: true });
  console.log(`wrote ${path.relative(process.cwd(), opts.out)}`);
}

runMain(main);
