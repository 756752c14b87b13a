/**
 * Ablation sweeps of the saliency objective (Dabkowski & Gal 2017, §4): the
 * alternative image A and the weights λ1..λ4 (and, for trained maskers, the
 * fake-class probability). Every setting of the grid the flags describe is
 * scored by the kit's evaluation on one black box and written to
 * `<out>/<study>/<setting id>.json` (one file per setting, atomically).
 * Finished settings are skipped, so a rerun resumes; `--shard i/n` runs every
 * n-th setting starting at i, for spreading one sweep over machines (Slurm
 * arrays: experiments/tools/submit.ts; Kubernetes indexed jobs, GNU parallel); `--jobs N` runs settings as
 * N parallel processes here.
 *
 * `--method iterative-mask` optimises masks per image with each setting's
 * objective (no training). `--method masker` trains a masker per setting for
 * `--steps` steps (checkpointed under `<out>/<study>/checkpoints/<id>/`,
 * weights in `<out>/<study>/maskers/<id>/`) and then evaluates it.
 *
 * The committed sweeps (README "Ablations"):
 *   npm run ablation:alternative
 *   npm run ablation:lambda
 */
import * as fs from 'fs';
import * as path from 'path';
import { initEngine } from '../../lib/engine/backend';
import { ALTERNATIVE_KINDS } from '../../lib/paper/evidence';
import {
  ABLATION_METHODS,
  AblationMethod,
  AblationSetting,
  expandGrid,
  iterativeMaskOptions,
  maskerTrainingOverrides,
  settingId,
} from '../../lib/evaluation/ablation';
import {
  addShardFlags,
  parseShard,
  printUnitCount,
  ShardFlags,
  shardItems,
} from '../../lib/commands/shard';
import { DEFAULT_ABLATIONS_DIR } from '../../lib/evaluation/ablation-results';
import { isFinished, runBenchmark } from '../../lib/evaluation/benchmark';
import {
  EvaluationConfig,
  pairFingerprint,
  planPair,
  resolveEvaluationConfig,
} from '../../lib/evaluation/config';
import { MethodResources, prepareMethods } from '../../lib/methods/registry';
import { loadEvaluationBlackBox } from '../../lib/classifiers/kit-black-boxes';
import { ArchitectureName, ARCHITECTURE_NAMES } from '../../lib/classifiers/architecture';
import { residualEncoder } from '../../lib/encoders/residual-net-encoder';
import { CALIBRATED_LAMBDAS } from '../../lib/paper/objective';
import { assertAllSucceeded, runInParallel, withoutFlags } from '../../lib/commands/parallel';
import {
  checkOutputPath,
  FRACTION_BELOW_ONE,
  NON_NEGATIVE_NUMBER,
  parseChoice,
  parseChoiceList,
  parseNumberList,
  parsePositiveInteger,
  program,
  runMain,
} from '../../lib/commands/cli';
import { readJson, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { UserError } from '../../lib/core/user-error';
import { ENCODER_BLACK_BOX } from '../../lib/masker/masker-assets';
import { loadKitBlackBox } from '../../lib/classifiers/kit-black-boxes';
import {
  DEFAULT_TRAIN_MASKER_CONFIG,
  trainingConfigKey,
  trainMasker,
  TrainMaskerConfig,
} from '../../lib/masker/train-masker';

interface Options extends ShardFlags {
  study: string;
  method: string;
  blackBox: string;
  alternatives: string;
  tv: string;
  area: string;
  destroy: string;
  power: string;
  fakeProb: string;
  iterations: string;
  steps: string;
  images: string;
  tuneImages: string;
  pairs: string;
  jobs: string;
  only?: string;
  force?: boolean;
  out: string;
}

const L = CALIBRATED_LAMBDAS;

function parseArgs(): Options {
  return addShardFlags(
    program(
      "Sweep A, λ and the fake-class probability; score every setting with the kit's evaluation",
    ),
    'settings',
  )
    .requiredOption('--study <name>', 'sweep name: results go to <out>/<name>/')
    .option('--method <m>', ABLATION_METHODS.join(' | '), 'iterative-mask')
    .option('--black-box <name>', ARCHITECTURE_NAMES.join(' | '), 'residual')
    .option('--alternatives <list>', `A values: ${ALTERNATIVE_KINDS.join(', ')}`, 'random-mix')
    .option('--tv <list>', 'λ1 values (TV)', String(L.tv))
    .option('--area <list>', 'λ2 values (area)', String(L.area))
    .option('--destroy <list>', 'λ3 values (destroyed-image probability)', String(L.destroy))
    .option('--power <list>', 'λ4 values (its power)', String(L.destroyPower))
    .option(
      '--fake-prob <list>',
      'fake-class probabilities (masker only)',
      String(DEFAULT_TRAIN_MASKER_CONFIG.fakeClassProbability),
    )
    .option('--iterations <n>', 'iterative-mask: optimisation steps per image', '60')
    .option('--steps <n>', 'masker: training steps per setting', '400')
    .option('--images <n>', 'single-item test images scored', '24')
    .option('--tune-images <n>', 'held-out training images for tuning α', '24')
    .option('--pairs <n>', 'two-item test images (class selectivity)', '12')
    .option('--jobs <n>', 'settings run in parallel processes', '1')
    .option('--only <id>', 'run the one setting with this id (what --jobs children get)')
    .option('--force', 're-run finished settings')
    .option('--out <dir>', 'results folder', DEFAULT_ABLATIONS_DIR)
    .parse()
    .opts<Options>();
}

interface Sweep {
  method: AblationMethod;
  blackBox: ArchitectureName;
  settings: { id: string; setting: AblationSetting }[];
  evaluation: EvaluationConfig;
  dir: string;
  /** Iterative-mask steps per image (`--method iterative-mask`). */
  iterations: number;
  /** Masker training steps per setting (`--method masker`). */
  steps: number;
  force: boolean;
}

function sweepFrom(opts: Options): Sweep {
  const method = parseChoice(opts.method, ABLATION_METHODS, '--method');
  const fake = parseNumberList(opts.fakeProb, '--fake-prob', FRACTION_BELOW_ONE);
  if (
    method === 'iterative-mask' &&
    (fake.length !== 1 || fake[0] !== DEFAULT_TRAIN_MASKER_CONFIG.fakeClassProbability)
  ) {
    throw new UserError(
      '--fake-prob applies to masker training only; use --method masker to sweep it',
    );
  }
  const settings = expandGrid({
    alternatives: parseChoiceList(opts.alternatives, ALTERNATIVE_KINDS, '--alternatives'),
    tv: parseNumberList(opts.tv, '--tv', NON_NEGATIVE_NUMBER),
    area: parseNumberList(opts.area, '--area', NON_NEGATIVE_NUMBER),
    destroy: parseNumberList(opts.destroy, '--destroy', NON_NEGATIVE_NUMBER),
    destroyPower: parseNumberList(opts.power, '--power', NON_NEGATIVE_NUMBER),
    fakeClassProbability: fake,
  }).map((setting) => ({ id: settingId(setting, method), setting }));
  return {
    method,
    blackBox: parseChoice(opts.blackBox, ARCHITECTURE_NAMES, '--black-box'),
    settings,
    // Every count is explicit, so no per-method cap applies.
    evaluation: resolveEvaluationConfig({
      images: parsePositiveInteger(opts.images, '--images'),
      tuneImages: parsePositiveInteger(opts.tuneImages, '--tune-images'),
      pairImages: parsePositiveInteger(opts.pairs, '--pairs'),
      imageLimits: {},
      methodOptions: {},
      // Speed is not what a sweep compares; a small timed batch keeps slow methods cheap.
      speedBatch: 4,
    }),
    dir: path.join(opts.out, opts.study),
    iterations: parsePositiveInteger(opts.iterations, '--iterations'),
    steps: parsePositiveInteger(opts.steps, '--steps'),
    force: Boolean(opts.force),
  };
}

const resultFile = (sweep: Sweep, id: string) => path.join(sweep.dir, `${id}.json`);

/** Evaluation config of one setting (iterative masks carry the setting in their options). */
function settingEvaluation(sweep: Sweep, setting: AblationSetting): EvaluationConfig {
  return sweep.method === 'iterative-mask'
    ? { ...sweep.evaluation, methodOptions: iterativeMaskOptions(setting, sweep.iterations) }
    : sweep.evaluation;
}

/** Trains (or resumes, or reuses) the masker of one setting; returns its folder of maskers (`<dir>/<black box>/`). */
async function trainSettingMasker(
  sweep: Sweep,
  id: string,
  setting: AblationSetting,
): Promise<string> {
  const { steps, force } = sweep;
  const maskersDir = path.join(sweep.dir, 'maskers', id);
  const config: TrainMaskerConfig = {
    ...DEFAULT_TRAIN_MASKER_CONFIG,
    ...maskerTrainingOverrides(setting),
    steps,
  };
  const key = trainingConfigKey(sweep.blackBox, config);
  const summaryFile = path.join(maskersDir, `${sweep.blackBox}.json`);
  const previous = readJson<{ trainingKey: string; steps: number }>(
    summaryFile,
    "delete it to train that setting's masker again, or re-run with --force to redo them all",
  );
  if (!force && previous?.trainingKey === key && previous.steps === steps) return maskersDir;
  const startedAt = new Date();
  const explained = await loadKitBlackBox(sweep.blackBox);
  const encoderNet =
    sweep.blackBox === ENCODER_BLACK_BOX ? explained : await loadKitBlackBox(ENCODER_BLACK_BOX);
  try {
    let lastLog = 0;
    const result = await trainMasker(
      explained.blackBox,
      residualEncoder(encoderNet.model),
      config,
      {
        checkpoint: { dir: path.join(sweep.dir, 'checkpoints', id), fresh: force },
        onStep: (s) => {
          if (s.step - lastLog >= 100 || s.step === steps) {
            lastLog = s.step;
            console.log(
              `${id}: step ${s.step}/${steps}, loss ${s.loss.toFixed(3)}, area ${s.realArea.toFixed(3)}, ${s.stepsPerSecond.toFixed(2)} steps/s`,
            );
          }
        },
      },
    );
    await result.masker.save(path.join(maskersDir, sweep.blackBox));
    writeJsonAtomic(summaryFile, {
      trainingKey: key,
      steps,
      config,
      final: result.curve[result.curve.length - 1],
      curve: result.curve,
      trainSeconds: result.trainSeconds,
      seed: config.seed,
      run: runMetadata(startedAt),
    });
    result.masker.dispose();
  } finally {
    explained.dispose();
    if (encoderNet !== explained) encoderNet.dispose();
  }
  return maskersDir;
}

async function runSetting(sweep: Sweep, id: string, setting: AblationSetting): Promise<void> {
  const config = settingEvaluation(sweep, setting);
  const maskersDir =
    sweep.method === 'masker' ? await trainSettingMasker(sweep, id, setting) : undefined;
  const bb = await loadEvaluationBlackBox(sweep.blackBox);
  const resources = new Map<string, MethodResources>();
  try {
    if (maskersDir)
      resources.set(
        bb.name,
        await prepareMethods(['masker'], { blackBoxName: bb.name, maskersDir }),
      );
    // What the setting really varied: iterative masks have no fake classes.
    const recorded =
      sweep.method === 'masker'
        ? { id, method: sweep.method, ...setting, steps: sweep.steps }
        : {
            id,
            method: sweep.method,
            alternative: setting.alternative,
            lambdas: setting.lambdas,
            iterations: sweep.iterations,
          };
    await runBenchmark([sweep.method], [bb], config, {
      force: sweep.force,
      resultPath: () => resultFile(sweep, id),
      setting: recorded,
      resources,
      onPairEnd: (o) => console.log(`${id}: ${o.status} → ${path.relative(process.cwd(), o.file)}`),
    });
  } finally {
    resources.forEach((r) => r.dispose());
    bb.dispose();
  }
}

/** Settings whose results file is finished (iterative masks only: a masker's hash needs its trained weights). */
async function finishedIterative(sweep: Sweep): Promise<Set<string>> {
  if (sweep.method !== 'iterative-mask') return new Set();
  const bb = await loadEvaluationBlackBox(sweep.blackBox);
  try {
    const done = sweep.settings.filter(({ id, setting }) =>
      isFinished(
        resultFile(sweep, id),
        planPair(
          sweep.method,
          bb.name,
          pairFingerprint(bb.fingerprint),
          settingEvaluation(sweep, setting),
        ),
      ),
    );
    return new Set(done.map((s) => s.id));
  } finally {
    bb.dispose();
  }
}

async function main(): Promise<void> {
  const opts = parseArgs();
  const sweep = sweepFrom(opts);
  checkOutputPath(opts.out, '--out', 'folder');
  const shard = parseShard(opts.shard);
  const jobs = parsePositiveInteger(opts.jobs, '--jobs');
  if (opts.countUnits) return printUnitCount(sweep.settings.length, sweep.dir);
  await initEngine();
  if (opts.only !== undefined) {
    const one = sweep.settings.find((s) => s.id === opts.only);
    if (!one)
      throw new UserError(`--only must be the id of a setting in this grid, got '${opts.only}'`);
    return runSetting(sweep, one.id, one.setting);
  }
  const mine = shardItems(sweep.settings, shard);
  const done = sweep.force ? new Set<string>() : await finishedIterative(sweep);
  const todo = mine.filter((s) => !done.has(s.id));
  fs.mkdirSync(sweep.dir, { recursive: true });
  console.log(
    `${sweep.settings.length} settings in the grid; shard ${shard.index}/${shard.count} holds ${mine.length}, ${mine.length - todo.length} finished, ${todo.length} to run (${sweep.method} on ${sweep.blackBox}) → ${path.relative(process.cwd(), sweep.dir)}`,
  );
  if (jobs > 1) {
    const args = withoutFlags(process.argv.slice(2), ['--jobs', '--shard']);
    assertAllSucceeded(
      await runInParallel(
        todo.map(({ id }) => ({ label: id, script: __filename, args: [...args, '--only', id] })),
        jobs,
      ),
    );
    return;
  }
  for (const { id, setting } of todo) await runSetting(sweep, id, setting);
}

runMain(main);
