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
 * With `--model` (and the model flags of lib/classifiers/model-flags.ts) and
 * `--data`, a user's classifier on the user's images instead
 * (lib/evaluation/folder-evaluation.ts): the crop metric on every image,
 * localisation on the images with a VOC box of the class explained; one
 * results file per method, `<out>/<method>__<model>.json`, skipped when
 * finished in the same way.
 *
 * Run: npx ts-node --transpile-only experiments/paper/evaluate.ts --methods all --black-boxes all --jobs 2
 *      npx ts-node --transpile-only experiments/paper/evaluate.ts --model my-model/ --data photos/ --methods gradient,occlusion
 */
import * as path from 'path';
import * as cliProgress from 'cli-progress';
import { initEngine } from '../../lib/engine/backend';
import {
  DEFAULT_EVALUATION_CONFIG,
  defaultImageLimits,
  EvaluationConfig,
  pairFingerprint,
  planPair,
  resolveEvaluationConfig,
} from '../../lib/evaluation/config';
import {
  BenchmarkOptions,
  isFinished,
  pairResultPath,
  runBenchmark,
} from '../../lib/evaluation/benchmark';
import {
  evaluatedMethodNames,
  MethodResources,
  methodSpec,
  prepareMethods,
} from '../../lib/methods/registry';
import { parseImageLimits, parseMethodOptions } from '../../lib/commands/evaluation-flags';
import {
  EvaluationBlackBox,
  loadEvaluationBlackBox,
  untrainedKitBlackBox,
} from '../../lib/classifiers/kit-black-boxes';
import { addRegisterFlag, loadMethodModules } from '../../lib/commands/method-modules';
import { ARCHITECTURE_NAMES } from '../../lib/classifiers/architecture';
import { assertAllSucceeded, runInParallel, withoutFlags } from '../../lib/commands/parallel';
import {
  addShardFlags,
  parseShard,
  printUnitCount,
  ShardFlags,
  shardItems,
} from '../../lib/commands/shard';
import type { Command } from 'commander';
import {
  checkOutputPath,
  NON_NEGATIVE_NUMBER,
  NumberRule,
  parseChoice,
  parseChoiceList,
  parseNonNegativeInteger,
  parseNumber,
  parsePositiveInteger,
  program,
  rejectGiven,
  runMain,
} from '../../lib/commands/cli';
import type { ImageChannels } from '../../lib/data/image-decode';
import { BAD_IMAGE_POLICIES, openImageFolder } from '../../lib/data/image-folder';
import { evaluateFolderPair, planFolderPair } from '../../lib/evaluation/folder-evaluation';
import { DEFAULT_SALIENT_REGION_CONFIG } from '../../lib/metrics/salient-region';
import { DEFAULT_MODEL_METHODS, methodsForModel } from '../../lib/methods/model-methods';
import { loadTfjsModel } from '../../lib/classifiers/load-tfjs-model';
import {
  addModelFlags,
  MODEL_DECLARATION_KEYS,
  ModelFlags,
  modelOptionsFromFlags,
} from '../../lib/classifiers/model-flags';
import { hashFolder } from '../../lib/classifiers/model-fingerprint';
import { modelRecord } from '../../lib/classifiers/model-record';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { UserError } from '../../lib/core/user-error';
import { MASKERS_DIR } from '../../lib/masker/masker-assets';
import { BLACK_BOXES_DIR } from '../../lib/classifiers/kit-black-boxes';
import { checkMaskerFlags, loadModelMasker } from '../../lib/masker/model-masker';

interface Options extends Partial<ModelFlags>, ShardFlags {
  methods: string;
  blackBoxes: string;
  images: string;
  tuneImages: string;
  pairs: string;
  curveImages: string;
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
  data?: string;
  onBadImage: string;
  alpha: string;
  masker?: string;
  featureModel?: string;
  register?: string;
}

const D = DEFAULT_EVALUATION_CONFIG;

/** Flags that choose the kit's black boxes and data, which `--model` replaces. */
const KIT_ONLY_FLAGS: readonly (keyof Options)[] = [
  'blackBoxes',
  'tuneImages',
  'pairs',
  'curveImages',
  'seed',
  'dataSeed',
  'blackBoxDir',
  'maskerDir',
  'untrained',
  'speedBatch',
  'shard',
  'countUnits',
];

/** The flags, and the parsed command (which tells a value given on the command line from a default). */
function parseArgs(): { opts: Options; command: Command } {
  const command = program(
    'Evaluate saliency methods on the black boxes (localisation, saliency metric, segmentation, selectivity, speed); ' +
      'with --model and --data, on your own classifier and images (the crop metric on every image, localisation where VOC boxes are given)',
  );
  addModelFlags(command, false);
  addRegisterFlag(command);
  command
    .option(
      '--data <path>',
      'with --model: the images, a folder (class sub-folders, a labels.csv, or images directly in it), an image or a glob pattern',
    )
    .option(
      '--on-bad-image <policy>',
      `with --model: an image the decoder rejects: ${BAD_IMAGE_POLICIES.join(' | ')}`,
      'fail',
    )
    .option(
      '--masker <dir>',
      'with --model: a masker trained for the model (experiments/paper/train-masker.ts --model), for the masker method',
    )
    .option(
      '--feature-model <path>',
      'with --masker: the feature model a masker trained with --encoder <feature model> was trained on, when it is no longer where the masker records it',
    )
    .option(
      '--alpha <x>',
      "with --model: the salient region is the pixels above α × the map's mean",
      String(DEFAULT_SALIENT_REGION_CONFIG.alpha),
    )
    .option(
      '--methods <list>',
      `comma-separated, or all: ${evaluatedMethodNames().join(', ')} (with --model the default is ${DEFAULT_MODEL_METHODS.join(', ')})`,
      'all',
    )
    .option(
      '--black-boxes <list>',
      `comma-separated, or all: ${ARCHITECTURE_NAMES.join(', ')}`,
      'all',
    )
    .option(
      '--images <n>',
      'single-item test images (with --model: the first n images of --data)',
      String(D.images),
    )
    .option('--tune-images <n>', 'held-out training images for tuning α', String(D.tuneImages))
    .option('--pairs <n>', 'two-item test images for class selectivity', String(D.pairImages))
    .option(
      '--curve-images <n>',
      'test images that also get deletion and insertion curves (at most --images)',
      String(D.curveImages),
    )
    .option(
      '--limit <list>',
      'per-method caps on every image count, method=n,...',
      Object.entries(defaultImageLimits())
        .map(([m, n]) => `${m}=${n}`)
        .join(','),
    )
    .option(
      '--method-options <json>',
      'options per method, e.g. {"iterative-mask":{"iterations":100}}',
      '{}',
    )
    .option('--batch <n>', 'images per method call', String(D.batchSize))
    .option('--speed-batch <n>', 'images in the batch timed for masks/s', String(D.speedBatch))
    .option('--seed <n>', 'seed of the image choice and fake classes', String(D.seed))
    .option('--data-seed <n>', 'seed of the Cluttered Fashion-MNIST renders', String(D.dataSeed))
    .option(
      '--black-box-dir <dir>',
      'trained black boxes (<dir>/<arch>/model.json)',
      BLACK_BOXES_DIR,
    )
    .option('--masker-dir <dir>', 'trained maskers (<dir>/<arch>/masker.json)', MASKERS_DIR)
    .option(
      '--untrained',
      'use freshly initialised nets instead of trained ones (development only)',
    )
    .option('--force', 're-run pairs whose results file exists with the same config')
    .option(
      '--jobs <n>',
      'pairs (with --model: methods) evaluated in parallel child processes',
      '1',
    )
    .option(
      '--out <dir>',
      'results folder (with --model: default <this>/models/<model name>)',
      path.join(RESULTS_DIR, 'evaluation'),
    );
  addShardFlags(command, 'method × black-box pairs').parse();
  return { opts: command.opts<Options>(), command };
}

/** `--tune-images` draws from the held-out training items, so it has an upper bound. */
const TUNE_IMAGES_RULE: NumberRule = { integer: true, min: 1, max: D.heldOutTrainItems };

function configFrom(opts: Options): EvaluationConfig {
  return resolveEvaluationConfig({
    images: parsePositiveInteger(opts.images, '--images'),
    tuneImages: parseNumber(opts.tuneImages, '--tune-images', TUNE_IMAGES_RULE),
    pairImages: parsePositiveInteger(opts.pairs, '--pairs'),
    curveImages: parsePositiveInteger(opts.curveImages, '--curve-images'),
    imageLimits: parseImageLimits(opts.limit),
    methodOptions: parseMethodOptions(opts.methodOptions),
    batchSize: parsePositiveInteger(opts.batch, '--batch'),
    speedBatch: parsePositiveInteger(opts.speedBatch, '--speed-batch'),
    seed: parseNonNegativeInteger(opts.seed, '--seed'),
    dataSeed: parseNonNegativeInteger(opts.dataSeed, '--data-seed'),
  });
}

/** Costliest methods first (their registered cost class), so parallel jobs finish together. */
const byCost = (a: string, b: string) => methodSpec(b).cost - methodSpec(a).cost;

/** The arguments of this command for one pair: `--methods`, `--black-boxes` and `--jobs` replaced, no `--shard`. */
function childArgs(method: string, blackBox: string): string[] {
  const kept = withoutFlags(process.argv.slice(2), [
    '--methods',
    '--black-boxes',
    '--jobs',
    '--shard',
  ]);
  return [...kept, '--methods', method, '--black-boxes', blackBox, '--jobs', '1'];
}

/**
 * `--model --data`: every method on the user's classifier and images, one
 * results file per method, finished ones skipped unless `--force`.
 */
async function evaluateModel(opts: Options, command: Command): Promise<void> {
  rejectGiven(command, KIT_ONLY_FLAGS, "applies to the kit's black boxes, not to --model");
  const given = (key: keyof Options) => command.getOptionValueSource(key) === 'cli';
  if (opts.data === undefined)
    throw new UserError(
      '--model needs --data: the images to evaluate it on (a folder, an image or a glob pattern)',
    );
  const config = configFrom(opts);
  const { location, options } = modelOptionsFromFlags(opts as ModelFlags);
  const requested = given('methods')
    ? parseChoiceList(opts.methods, evaluatedMethodNames(), '--methods', true)
    : undefined;
  const onBadImage = parseChoice(opts.onBadImage, BAD_IMAGE_POLICIES, '--on-bad-image');
  const alpha = parseNumber(opts.alpha, '--alpha', NON_NEGATIVE_NUMBER);
  const jobs = parsePositiveInteger(opts.jobs, '--jobs');
  checkMaskerFlags(opts.masker, opts.featureModel);
  const info = await initEngine();
  const loaded = await loadTfjsModel(location, options);
  const masker =
    opts.masker === undefined
      ? undefined
      : await loadModelMasker(loaded, opts.masker, opts.featureModel).catch((err) => {
          loaded.dispose();
          throw err;
        });
  try {
    const { blackBox } = loaded;
    const out = given('out') ? opts.out : path.join(opts.out, 'models', blackBox.name);
    checkOutputPath(out, '--out', 'folder');
    const folder = await openImageFolder({
      root: opts.data,
      inputSize: blackBox.inputSize,
      channels: blackBox.channels as ImageChannels,
      classNames: blackBox.classNames,
      onBadImage,
    });
    const { methods, notes } = await methodsForModel(loaded, {
      requested,
      methodOptions: config.methodOptions,
      masker: masker?.masker,
      dropUnavailable: opts.methods.trim() === 'all',
    });
    notes.forEach((n) => console.log(`note: ${n}`));
    if (jobs > 1 && methods.length > 1) {
      // One child process per method, costliest first; each skips its file when finished.
      const names = methods.map((m) => m.name).sort(byCost);
      console.log(`${names.length} methods, ${jobs} at a time: ${names.join(', ')}`);
      const kept = withoutFlags(process.argv.slice(2), ['--methods', '--jobs']);
      const results = await runInParallel(
        names.map((m) => ({
          label: m,
          script: __filename,
          args: [...kept, '--methods', m, '--jobs', '1'],
        })),
        jobs,
      );
      results.forEach((r) =>
        console.log(`${r.label}: exit ${r.exitCode}, ${r.seconds.toFixed(0)} s`),
      );
      assertAllSucceeded(results);
      return;
    }
    const model = modelRecord(loaded);
    console.log(
      `engine ${info.engine}; model '${blackBox.name}'; ${folder.length} images in ${opts.data}; ${methods.length} methods → ${path.relative(process.cwd(), out) || '.'}`,
    );
    const bar = new cliProgress.SingleBar(
      {
        format: '{method} [{bar}] {value}/{total} images | {duration}s',
        noTTYOutput: true,
        notTTYSchedule: 20000,
        barsize: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    for (const method of methods) {
      const startedAt = new Date();
      const images = Math.min(config.images, config.imageLimits[method.name] ?? config.images);
      const settings =
        (config.methodOptions as Record<string, object | undefined>)[method.name] ?? {};
      const fingerprint =
        method.name === 'masker' && opts.masker !== undefined
          ? `${model.fingerprint}+${hashFolder(opts.masker)}`
          : model.fingerprint;
      const plan = planFolderPair(
        method.name,
        blackBox.name,
        fingerprint,
        folder,
        { images, alpha, batchSize: config.batchSize },
        settings,
      );
      const file = pairResultPath(out, method.name, blackBox.name);
      if (!opts.force && isFinished(file, plan)) {
        console.log(
          `${method.name}/${blackBox.name}: skipped → ${path.relative(process.cwd(), file)}`,
        );
        continue;
      }
      bar.start(plan.images, 0, { method: method.name.padEnd(16) });
      const evaluation = await evaluateFolderPair(plan, method, blackBox, folder, (done) =>
        bar.update(done),
      );
      bar.stop();
      const { scores, skipped, seconds, tensors } = evaluation;
      writeJsonAtomic(file, {
        method: method.name,
        blackBox: blackBox.name,
        configHash: plan.configHash,
        plan,
        model,
        data: { input: opts.data, layout: folder.layout, onBadImage },
        masker:
          method.name === 'masker'
            ? { dir: opts.masker, featureModel: opts.featureModel }
            : undefined,
        scores,
        skipped,
        warnings: [...folder.warnings, ...notes],
        seconds,
        tensors,
        run: runMetadata(startedAt),
      });
      const located = scores.localisation
        ? `, localisation error ${(100 * scores.localisation.error).toFixed(1)} % on ${scores.localisation.images} boxed images`
        : '';
      console.log(
        `${method.name}/${blackBox.name}: crop metric ${scores.saliencyMetric.mean.toFixed(3)} on ${scores.images} images${located} → ${path.relative(process.cwd(), file)}`,
      );
      if (tensors.leaked !== 0)
        throw new Error(`${method.name} on ${blackBox.name} left ${tensors.leaked} tensors behind`);
    }
  } finally {
    masker?.dispose();
    loaded.dispose();
  }
}

async function main(): Promise<void> {
  const { opts, command } = parseArgs();
  loadMethodModules(opts.register);
  if (opts.model !== undefined) return evaluateModel(opts, command);
  rejectGiven(
    command,
    [...MODEL_DECLARATION_KEYS, 'data', 'onBadImage', 'alpha', 'masker', 'featureModel'],
    'applies only with --model',
  );
  const config = configFrom(opts);
  const methods = parseChoiceList(opts.methods, evaluatedMethodNames(), '--methods', true).sort(
    byCost,
  );
  const archs = parseChoiceList(opts.blackBoxes, ARCHITECTURE_NAMES, '--black-boxes', true);
  const jobs = parsePositiveInteger(opts.jobs, '--jobs');
  // The units a shard takes from: every pair asked for, before an absent masker drops out.
  const pairs = methods.flatMap((m) => archs.map((arch) => ({ m, arch })));
  if (opts.countUnits) return printUnitCount(pairs.length, opts.out);
  const mine = shardItems(pairs, parseShard(opts.shard));
  const isMine = (m: string, arch: string) => mine.some((p) => p.m === m && p.arch === arch);
  checkOutputPath(opts.out, '--out', 'folder');
  const info = await initEngine();
  console.log(
    `engine ${info.engine} (backend ${info.backend}); ${methods.length} methods × ${archs.length} black boxes → ${path.relative(process.cwd(), opts.out) || '.'}`,
  );
  const blackBoxes: EvaluationBlackBox[] = [];
  const resources = new Map<string, MethodResources>();
  try {
    for (const arch of archs.filter((a) => mine.some((p) => p.arch === a)))
      blackBoxes.push(
        opts.untrained
          ? untrainedKitBlackBox(arch)
          : await loadEvaluationBlackBox(arch, opts.blackBoxDir),
      );
    // What the methods load per black box (the trained maskers): required when
    // asked for by name, a method that cannot load skipped with a note under `all`.
    for (const bb of blackBoxes) {
      const context = {
        blackBoxName: bb.name,
        maskersDir: opts.maskerDir,
        blackBoxesDir: opts.blackBoxDir,
      };
      const prepared = await prepareMethods(methods, context, opts.methods === 'all');
      resources.set(bb.name, prepared);
      for (const { name, reason } of prepared.unavailable) {
        console.log(`skipping ${name}: ${reason}`);
        methods.splice(methods.indexOf(name), 1);
      }
    }
    const fingerprint = (bb: EvaluationBlackBox, m: string) =>
      pairFingerprint(bb.fingerprint, resources.get(bb.name)?.fingerprints[m]);

    if (jobs > 1) {
      // Parent: skip finished pairs here, run the rest as children.
      const todo = methods.flatMap((m) =>
        blackBoxes.filter((bb) => isMine(m, bb.name)).map((bb) => ({ m, bb })),
      );
      const left = todo.filter(
        ({ m, bb }) =>
          opts.force ||
          !isFinished(
            pairResultPath(opts.out, m, bb.name),
            planPair(m, bb.name, fingerprint(bb, m), config),
          ),
      );
      console.log(
        `${todo.length - left.length} pairs already finished; ${left.length} to run, ${jobs} at a time`,
      );
      const runs = left.map(({ m, bb }) => ({
        label: `${m}/${bb.name}`,
        script: __filename,
        args: childArgs(m, bb.name),
      }));
      const results = await runInParallel(runs, jobs);
      results.forEach((r) =>
        console.log(`${r.label}: exit ${r.exitCode}, ${r.seconds.toFixed(0)} s`),
      );
      assertAllSucceeded(results);
      return;
    }

    const bar = new cliProgress.SingleBar(
      {
        format: '{pair} {stage} [{bar}] {value}/{total} images | {duration}s',
        noTTYOutput: true,
        notTTYSchedule: 20000,
        barsize: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    const benchmark: Partial<BenchmarkOptions> = {
      outDir: opts.out,
      force: opts.force,
      onPairStart: (plan) =>
        bar.start(plan.counts.tune, 0, {
          pair: `${plan.method}/${plan.blackBox}`.padEnd(28),
          stage: 'tune',
        }),
      onProgress: (_plan, p) => {
        if (p.done === 0) bar.setTotal(p.total);
        bar.update(p.done, { stage: p.stage.padEnd(5) });
      },
      resources,
      onPairEnd: (o) => {
        if (o.status === 'evaluated') bar.stop();
        console.log(
          `${o.plan.method}/${o.plan.blackBox}: ${o.status} → ${path.relative(process.cwd(), o.file)}`,
        );
      },
    };
    for (const bb of blackBoxes)
      await runBenchmark(
        methods.filter((m) => isMine(m, bb.name)),
        [bb],
        config,
        benchmark,
      );
  } finally {
    resources.forEach((r) => r.dispose());
    blackBoxes.forEach((bb) => bb.dispose());
  }
}

runMain(main);
