/**
 * Trains the real-time masking model (Dabkowski & Gal 2017, §4) for the kit's
 * black boxes and writes, per black box, `<out>/<bb>/` (the masker's weights,
 * see Masker.save) and `<out>/<bb>.json` (loss curve with every term,
 * configuration, seed, wall time, steps/s, run metadata).
 *
 * The encoder is the trained `residual` net for every black box (the paper's
 * ResNet-50 features explain AlexNet and GoogLeNet too). Checkpoints go to
 * `<checkpoints>/masker-<bb>/` after every `--checkpoint-steps` steps, every
 * `--checkpoint-seconds` and after the last step; a rerun resumes there, with
 * the weights and loss curve an uninterrupted run would have had (`--fresh`
 * starts over). With
 * `--black-box all` each black box trains in its own child process, `--jobs`
 * at a time; a child runs exactly what `--black-box <name>` would, so the
 * results do not depend on `--jobs`.
 *
 * Run: npx ts-node --transpile-only experiments/train-masker.ts --black-box all --jobs 2
 */
import * as path from 'path';
import * as cliProgress from 'cli-progress';
import { initEngine } from '../lib/engine/backend';
import { ALTERNATIVE_KINDS } from '../lib/evidence';
import { ARCHITECTURE_NAMES } from '../lib/models/architecture';
import { assertAllSucceeded, runInParallel } from '../lib/parallel';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../lib/results';
import { ENCODER_BLACK_BOX, loadKitBlackBox } from '../lib/saliency/masker-assets';
import { DEFAULT_TRAIN_MASKER_CONFIG, LEARNING_RATE_SCHEDULES, parseLambdas, trainMasker, TrainMaskerConfig } from '../lib/saliency/train-masker';
import { residualEncoder } from '../lib/models/encoder';
import { DEFAULT_MASKER_CONFIG } from '../lib/masker/masker';
import {
  checkOutputPath, FRACTION_BELOW_ONE, NON_NEGATIVE_NUMBER, parseChoice, parseNonNegativeInteger, parseNumber, parsePositiveInteger, POSITIVE_NUMBER, program, runMain,
} from '../lib/cli';

interface Options {
  blackBox: string;
  jobs: string;
  steps: string;
  batch: string;
  lr: string;
  lrSchedule: string;
  lambdas: string;
  areaWarmup: string;
  alternative: string;
  fakeProb: string;
  gateWeight: string;
  seed: string;
  upsamplerChannels: string;
  residualBlocks: string;
  maskStride: string;
  out: string;
  checkpoints: string;
  checkpointSteps: string;
  checkpointSeconds: string;
  fresh?: boolean;
}

const D = DEFAULT_TRAIN_MASKER_CONFIG;

function parseArgs(): Options {
  return program('Train the real-time masking model for the kit\'s black boxes')
    .option('--black-box <name>', `${ARCHITECTURE_NAMES.join(' | ')} | all`, 'all')
    .option('--jobs <n>', 'with --black-box all: maskers trained in parallel processes', '1')
    .option('--steps <n>', 'optimisation steps', String(D.steps))
    .option('--batch <n>', 'images per step', String(D.batchSize))
    .option('--lr <x>', 'Adam learning rate (the peak one with --lr-schedule cosine)', String(D.learningRate))
    .option('--lr-schedule <kind>', `${LEARNING_RATE_SCHEDULES.join(' | ')} (cosine: decayed to 0 over --steps)`, D.learningRateSchedule)
    .option('--lambdas <spec>', 'paper | calibrated | tv,area,destroy,power', 'calibrated')
    .option('--area-warmup <steps>', 'steps over which λ2 ramps from 0 to its value (0: no ramp)', String(D.areaWarmupSteps))
    .option('--alternative <kind>', ALTERNATIVE_KINDS.join(' | '), D.alternative)
    .option('--fake-prob <p>', 'probability of a fake class per image', String(D.fakeClassProbability))
    .option('--gate-weight <x>', 'weight of the max-gate cross-entropy (embedding speed-up)', String(D.gateLossWeight))
    .option('--seed <n>', 'seed of the initial weights and of every random draw', String(D.seed))
    .option('--upsampler-channels <n>', 'channels of the first (coarsest) upsampler block, halved in each next one',
      String(D.masker.firstUpsamplerChannels ?? DEFAULT_MASKER_CONFIG.firstUpsamplerChannels))
    .option('--residual-blocks <n>', 'residual bottleneck blocks per upsampler block', String(D.masker.residualBlocks ?? DEFAULT_MASKER_CONFIG.residualBlocks))
    .option('--mask-stride <n>', 'stride of the low-resolution mask (an encoder scale: 2, 4, 8 or 16)', String(D.masker.maskStride ?? DEFAULT_MASKER_CONFIG.maskStride))
    .option('--out <dir>', 'output folder', path.join(RESULTS_DIR, 'maskers'))
    .option('--checkpoints <dir>', 'checkpoint folder (sub-folder masker-<bb>)', path.join(RESULTS_DIR, 'checkpoints'))
    .option('--checkpoint-steps <n>', 'checkpoint after every step whose number (counted from the start of training, resumed runs included) is a multiple of n', '100')
    .option('--checkpoint-seconds <s>', 'also checkpoint when this many seconds have passed since the last one', '120')
    .option('--fresh', 'ignore existing checkpoints and start over')
    .parse()
    .opts<Options>();
}

/** The encoder scales a low-resolution mask can have. */
const MASK_STRIDES = ['2', '4', '8', '16'] as const;

/** The training configuration the flags describe. */
function configFromOptions(opts: Options): TrainMaskerConfig {
  return {
    ...D,
    steps: parsePositiveInteger(opts.steps, '--steps'),
    batchSize: parsePositiveInteger(opts.batch, '--batch'),
    learningRate: parseNumber(opts.lr, '--lr', POSITIVE_NUMBER),
    learningRateSchedule: parseChoice(opts.lrSchedule, LEARNING_RATE_SCHEDULES, '--lr-schedule'),
    lambdas: parseLambdas(opts.lambdas),
    areaWarmupSteps: parseNonNegativeInteger(opts.areaWarmup, '--area-warmup'),
    alternative: parseChoice(opts.alternative, ALTERNATIVE_KINDS, '--alternative'),
    fakeClassProbability: parseNumber(opts.fakeProb, '--fake-prob', FRACTION_BELOW_ONE),
    gateLossWeight: parseNumber(opts.gateWeight, '--gate-weight', NON_NEGATIVE_NUMBER),
    seed: parseNonNegativeInteger(opts.seed, '--seed'),
    masker: {
      ...D.masker,
      firstUpsamplerChannels: parsePositiveInteger(opts.upsamplerChannels, '--upsampler-channels'),
      residualBlocks: parseNonNegativeInteger(opts.residualBlocks, '--residual-blocks'),
      maskStride: Number(parseChoice(opts.maskStride, MASK_STRIDES, '--mask-stride')),
    },
  };
}

/** How often the flags ask for checkpoints. */
function checkpointTiming(opts: Options): { everySteps: number; everySeconds: number } {
  return {
    everySteps: parsePositiveInteger(opts.checkpointSteps, '--checkpoint-steps'),
    everySeconds: parseNumber(opts.checkpointSeconds, '--checkpoint-seconds', POSITIVE_NUMBER),
  };
}

/** Runs each black box as `--black-box <name>` in a child process, `jobs` at a time. */
async function runAll(jobs: number): Promise<void> {
  const args = process.argv.slice(2);
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--black-box' || args[i] === '--jobs') i++;
    else if (!args[i].startsWith('--black-box=') && !args[i].startsWith('--jobs=')) rest.push(args[i]);
  }
  const runs = ARCHITECTURE_NAMES.map((name) => ({ label: name, script: __filename, args: [...rest, '--black-box', name] }));
  assertAllSucceeded(await runInParallel(runs, jobs));
}

async function trainOne(name: string, opts: Options, config: TrainMaskerConfig, timing: ReturnType<typeof checkpointTiming>): Promise<void> {
  const startedAt = new Date();
  await initEngine();
  const checkpoint = { dir: path.join(opts.checkpoints, `masker-${name}`), ...timing, fresh: opts.fresh };
  const explained = await loadKitBlackBox(name);
  const encoderNet = name === ENCODER_BLACK_BOX ? explained : await loadKitBlackBox(ENCODER_BLACK_BOX);
  const log = (line: string) => console.log(`${name.padEnd(9)} ${line}`);
  const bar = new cliProgress.SingleBar(
    {
      format: `${name.padEnd(9)} [{bar}] {value}/{total} | loss {loss} | area {area} (fake {fake}) | p {p} | {sps} steps/s | eta {eta}s`,
      noTTYOutput: true,
      notTTYSchedule: 30000,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(config.steps, 0, { loss: '-', area: '-', fake: '-', p: '-', sps: '-' });
  const result = await trainMasker(explained.blackBox, residualEncoder(encoderNet.model), config, {
    checkpoint,
    onResume: (step) => {
      bar.update(step);
      log(`resuming from checkpoint at step ${step}`);
    },
    onStep: async (s) => {
      bar.update(s.step, {
        loss: s.loss.toFixed(3),
        area: s.realArea.toFixed(3),
        fake: s.fakeArea === null ? '-' : s.fakeArea.toFixed(3),
        p: s.keptProbability.toFixed(2),
        sps: s.stepsPerSecond.toFixed(2),
      });
      // Let the bar's timer run: a step is synchronous tensor work.
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  bar.stop();
  const dir = path.join(opts.out, name);
  await result.masker.save(dir);
  const last = result.curve[result.curve.length - 1];
  writeJsonAtomic(path.join(opts.out, `${name}.json`), {
    blackBox: name,
    encoder: `${ENCODER_BLACK_BOX} (trained black box, frozen)`,
    masker: path.relative(process.cwd(), dir),
    maskerConfig: result.masker.config,
    maskerParams: result.masker.trainableVariables().reduce((n, v) => n + v.size, 0),
    steps: config.steps,
    images: config.steps * config.batchSize,
    trainSeconds: result.trainSeconds,
    stepsPerSecond: result.stepsPerSecond,
    resumedFrom: result.resumedFrom,
    final: last,
    curve: result.curve,
    config,
    seed: config.seed,
    run: runMetadata(startedAt),
  });
  log(`loss ${last.loss.toFixed(3)}, area ${last.realArea.toFixed(3)} (fake ${last.fakeArea?.toFixed(3) ?? '-'}), ${(result.trainSeconds / 60).toFixed(1)} min → ${dir}`);
  result.masker.dispose();
  explained.dispose();
  if (encoderNet !== explained) encoderNet.dispose();
}

async function main(): Promise<void> {
  const opts = parseArgs();
  const blackBox = parseChoice(opts.blackBox, [...ARCHITECTURE_NAMES, 'all'], '--black-box');
  // Every flag is checked here, so a bad one stops `--black-box all` before it starts any child.
  const config = configFromOptions(opts);
  const timing = checkpointTiming(opts);
  checkOutputPath(opts.out, '--out', 'folder');
  checkOutputPath(opts.checkpoints, '--checkpoints', 'folder');
  if (blackBox === 'all') return runAll(parsePositiveInteger(opts.jobs, '--jobs'));
  await trainOne(blackBox, opts, config, timing);
}

runMain(main);
