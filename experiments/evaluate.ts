/**
 * The evaluation of Dabkowski & Gal (2017), "Real Time Image Saliency for
 * Black Box Classifiers", §5, on Cluttered Fashion-MNIST: every chosen
 * saliency method on every chosen black box, one results file per pair in
 * `--out` (`<method>__<blackbox>.json`). Finished pairs (same config hash)
 * are skipped unless `--force`, so an interrupted run resumes. With
 * `--jobs N` the pairs left run as child processes (`--methods m
 * --black-boxes b`), N at a time; each child runs exactly what that command
 * would, so the files do not depend on N.
 *
 * Run: npx ts-node --transpile-only experiments/evaluate.ts --methods all --black-boxes all --jobs 2
 */
import * as path from 'path';
import * as cliProgress from 'cli-progress';
import { initEngine } from '../lib/engine/backend';
import { DEFAULT_EVALUATION_CONFIG, EvaluationConfig, planPair, resolveEvaluationConfig } from '../lib/evaluation/config';
import { isFinished, pairResultPath, runBenchmark } from '../lib/evaluation/benchmark';
import { EvaluatedMethodName, EVALUATED_METHOD_NAMES } from '../lib/evaluation/evaluated-methods';
import { parseImageLimits, parseMethodOptions } from '../lib/evaluation/evaluation-flags';
import { attachTrainedMasker, EvaluationBlackBox, loadEvaluationBlackBox, pairFingerprint, untrainedKitBlackBox } from '../lib/evaluation/kit-black-boxes';
import { ARCHITECTURE_NAMES } from '../lib/models/architecture';
import { assertAllSucceeded, runInParallel } from '../lib/parallel';
import { checkOutputPath, NumberRule, parseChoiceList, parseNonNegativeInteger, parseNumber, parsePositiveInteger, program, runMain } from '../lib/cli';
import { RESULTS_DIR } from '../lib/results';
import { BLACK_BOXES_DIR, MASKERS_DIR } from '../lib/saliency/masker-assets';

interface Options {
  methods: string;
  blackBoxes: string;
  images: string;
  tuneImages: string;
  pairs: string;
  limit: string;
  methodOptions: string;
  batch: string;
  speedBatch: string;
  seed: string;
  dataSeed: string;
  blackBoxDir: string;
  maskerDir: string;
  untrained?: boolean;
  force?: boolean;
  jobs: string;
  out: string;
}

const D = DEFAULT_EVALUATION_CONFIG;

function parseArgs(): Options {
  return program('Evaluate saliency methods on the black boxes (localisation, saliency metric, segmentation, selectivity, speed)')
    .option('--methods <list>', `comma-separated, or all: ${EVALUATED_METHOD_NAMES.join(', ')}`, 'all')
    .option('--black-boxes <list>', `comma-separated, or all: ${ARCHITECTURE_NAMES.join(', ')}`, 'all')
    .option('--images <n>', 'single-item test images', String(D.images))
    .option('--tune-images <n>', 'held-out training images for tuning α', String(D.tuneImages))
    .option('--pairs <n>', 'two-item test images for class selectivity', String(D.pairImages))
    .option('--limit <list>', 'per-method caps on every image count, method=n,...', Object.entries(D.imageLimits).map(([m, n]) => `${m}=${n}`).join(','))
    .option('--method-options <json>', 'options per method, e.g. {"iterative-mask":{"iterations":100}}', '{}')
    .option('--batch <n>', 'images per method call', String(D.batchSize))
    .option('--speed-batch <n>', 'images in the batch timed for masks/s', String(D.speedBatch))
    .option('--seed <n>', 'seed of the image choice and fake classes', String(D.seed))
    .option('--data-seed <n>', 'seed of the Cluttered Fashion-MNIST renders', String(D.dataSeed))
    .option('--black-box-dir <dir>', 'trained black boxes (<dir>/<arch>/model.json)', BLACK_BOXES_DIR)
    .option('--masker-dir <dir>', 'trained maskers (<dir>/<arch>/masker.json)', MASKERS_DIR)
    .option('--untrained', 'use freshly initialised nets instead of trained ones (development only)')
    .option('--force', 're-run pairs whose results file exists with the same config')
    .option('--jobs <n>', 'pairs evaluated in parallel child processes', '1')
    .option('--out <dir>', 'results folder', path.join(RESULTS_DIR, 'evaluation'))
    .parse()
    .opts<Options>();
}

/** `--tune-images` draws from the held-out training items, so it has an upper bound. */
const TUNE_IMAGES_RULE: NumberRule = { integer: true, min: 1, max: D.heldOutTrainItems };

function configFrom(opts: Options): EvaluationConfig {
  return resolveEvaluationConfig({
    images: parsePositiveInteger(opts.images, '--images'),
    tuneImages: parseNumber(opts.tuneImages, '--tune-images', TUNE_IMAGES_RULE),
    pairImages: parsePositiveInteger(opts.pairs, '--pairs'),
    imageLimits: parseImageLimits(opts.limit),
    methodOptions: parseMethodOptions(opts.methodOptions),
    batchSize: parsePositiveInteger(opts.batch, '--batch'),
    speedBatch: parsePositiveInteger(opts.speedBatch, '--speed-batch'),
    seed: parseNonNegativeInteger(opts.seed, '--seed'),
    dataSeed: parseNonNegativeInteger(opts.dataSeed, '--data-seed'),
  });
}

/** Slow methods first, so parallel jobs finish together. */
const COST_ORDER: readonly EvaluatedMethodName[] = ['iterative-mask', 'rise', 'occlusion'];
const costRank = (m: EvaluatedMethodName) => (COST_ORDER.includes(m) ? COST_ORDER.indexOf(m) : COST_ORDER.length);

/** The arguments of this command with `--methods`, `--black-boxes` and `--jobs` replaced. */
function childArgs(method: string, blackBox: string): string[] {
  const args = process.argv.slice(2);
  const kept: string[] = [];
  const replaced = ['--methods', '--black-boxes', '--jobs'];
  for (let i = 0; i < args.length; i++) {
    if (replaced.includes(args[i])) i++;
    else if (!replaced.some((f) => args[i].startsWith(`${f}=`))) kept.push(args[i]);
  }
  return [...kept, '--methods', method, '--black-boxes', blackBox, '--jobs', '1'];
}

async function main(): Promise<void> {
  const opts = parseArgs();
  const config = configFrom(opts);
  const methods = parseChoiceList(opts.methods, EVALUATED_METHOD_NAMES, '--methods', true).sort((a, b) => costRank(a) - costRank(b));
  const archs = parseChoiceList(opts.blackBoxes, ARCHITECTURE_NAMES, '--black-boxes', true);
  const jobs = parsePositiveInteger(opts.jobs, '--jobs');
  checkOutputPath(opts.out, '--out', 'folder');
  const info = await initEngine();
  console.log(`engine ${info.engine} (backend ${info.backend}); ${methods.length} methods × ${archs.length} black boxes → ${path.relative(process.cwd(), opts.out) || '.'}`);
  const blackBoxes: EvaluationBlackBox[] = [];
  try {
    for (const arch of archs) blackBoxes.push(opts.untrained ? untrainedKitBlackBox(arch) : await loadEvaluationBlackBox(arch, opts.blackBoxDir));
    if (methods.includes('masker')) {
      // The trained maskers: required when asked for by name, skipped with a note under `all`.
      try {
        for (const bb of blackBoxes) await attachTrainedMasker(bb, opts.maskerDir, opts.blackBoxDir);
      } catch (err) {
        if (opts.methods !== 'all') throw err;
        console.log(`skipping the masker: ${(err as Error).message}`);
        methods.splice(methods.indexOf('masker'), 1);
      }
    }

    if (jobs > 1) {
      // Parent: skip finished pairs here, run the rest as children.
      const todo = methods.flatMap((m) => blackBoxes.map((bb) => ({ m, bb })));
      const left = todo.filter(({ m, bb }) => opts.force || !isFinished(pairResultPath(opts.out, m, bb.name), planPair(m, bb.name, pairFingerprint(bb, m), config)));
      console.log(`${todo.length - left.length} pairs already finished; ${left.length} to run, ${jobs} at a time`);
      const runs = left.map(({ m, bb }) => ({ label: `${m}/${bb.name}`, script: __filename, args: childArgs(m, bb.name) }));
      const results = await runInParallel(runs, jobs);
      results.forEach((r) => console.log(`${r.label}: exit ${r.exitCode}, ${r.seconds.toFixed(0)} s`));
      assertAllSucceeded(results);
      return;
    }

    const bar = new cliProgress.SingleBar(
      { format: '{pair} {stage} [{bar}] {value}/{total} images | {duration}s', noTTYOutput: true, notTTYSchedule: 20000, barsize: 20 },
      cliProgress.Presets.shades_classic,
    );
    await runBenchmark(methods, blackBoxes, config, {
      outDir: opts.out,
      force: opts.force,
      onPairStart: (plan) => bar.start(plan.counts.tune, 0, { pair: `${plan.method}/${plan.blackBox}`.padEnd(28), stage: 'tune' }),
      onProgress: (_plan, p) => {
        if (p.done === 0) bar.setTotal(p.total);
        bar.update(p.done, { stage: p.stage.padEnd(5) });
      },
      onPairEnd: (o) => {
        if (o.status === 'evaluated') bar.stop();
        console.log(`${o.plan.method}/${o.plan.blackBox}: ${o.status} → ${path.relative(process.cwd(), o.file)}`);
      },
    });
  } finally {
    blackBoxes.forEach((bb) => bb.dispose());
  }
}

runMain(main);
