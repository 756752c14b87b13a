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
 * With `--model` (and the model flags of lib/classifiers/model-flags.ts) and
 * `--data`, the masker of a user's classifier, trained on the user's images
 * (lib/masker/folder-training-data.ts) with the encoder `--encoder` names:
 * the model's own layers (default), the kit's residual net, or a feature
 * model (lib/masker/model-masker.ts). It goes to `<out>/<model name>/` and
 * `<out>/<model name>.json`, `<out>` by default `results/maskers/models/`.
 *
 * Run: npx ts-node --transpile-only experiments/paper/train-masker.ts --black-box all --jobs 2
 *      npx ts-node --transpile-only experiments/paper/train-masker.ts --model my-model/ --data photos/ --steps 2000
 */
import * as path from 'path';
import * as cliProgress from 'cli-progress';
import { initEngine } from '../../lib/engine/backend';
import { ALTERNATIVE_KINDS } from '../../lib/paper/evidence';
import { ARCHITECTURE_NAMES } from '../../lib/classifiers/architecture';
import { runOncePerValue } from '../../lib/commands/parallel';
import {
  addShardFlags,
  parseShard,
  printUnitCount,
  ShardFlags,
  shardItems,
} from '../../lib/commands/shard';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { ENCODER_BLACK_BOX } from '../../lib/masker/masker-assets';
import { loadKitBlackBox } from '../../lib/classifiers/kit-black-boxes';
import {
  DEFAULT_TRAIN_MASKER_CONFIG,
  LEARNING_RATE_SCHEDULES,
  parseLambdas,
  trainMasker,
  TrainMaskerConfig,
} from '../../lib/masker/train-masker';
import { residualEncoder } from '../../lib/encoders/residual-net-encoder';
import { DEFAULT_MASKER_CONFIG, Encoder } from '../../lib/masker/masker';
import type { ImageChannels } from '../../lib/data/image-decode';
import { BAD_IMAGE_POLICIES, openImageFolder } from '../../lib/data/image-folder';
import type { BlackBox } from '../../lib/classifiers/black-box';
import { loadTfjsModel } from '../../lib/classifiers/load-tfjs-model';
import {
  addModelFlags,
  MODEL_DECLARATION_KEYS,
  ModelFlags,
  modelOptionsFromFlags,
} from '../../lib/classifiers/model-flags';
import { modelRecord } from '../../lib/classifiers/model-record';
import { folderTrainingData } from '../../lib/masker/folder-training-data';
import type { MaskerTrainingData } from '../../lib/masker/masker-training-data';
import {
  ENCODER_FORMS,
  loadEncoder,
  MODEL_MASKERS_DIR,
  parseEncoderChoice,
} from '../../lib/masker/model-masker';
import { UserError } from '../../lib/core/user-error';
import {
  checkOutputPath,
  FRACTION_BELOW_ONE,
  NON_NEGATIVE_NUMBER,
  parseChoice,
  parseNonNegativeInteger,
  parseNumber,
  parsePositiveInteger,
  POSITIVE_NUMBER,
  program,
  rejectGiven,
  runMain,
} from '../../lib/commands/cli';
import type { Command } from 'commander';

interface Options extends Partial<ModelFlags>, ShardFlags {
  data?: string;
  onBadImage: string;
  encoder: string;
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

/** The flags, and the parsed command (which tells a value given on the command line from a default). */
function parseArgs(): { opts: Options; command: Command } {
  const command = program(
    "Train the real-time masking model for the kit's black boxes, or with --model and --data for your own classifier on your own images",
  );
  addModelFlags(command, false);
  command
    .option(
      '--data <path>',
      "with --model: the images to train on, a folder (class sub-folders, a labels.csv, or images directly in it: their class is the model's top class), an image or a glob pattern",
    )
    .option(
      '--on-bad-image <policy>',
      `with --model: an image the decoder rejects: ${BAD_IMAGE_POLICIES.join(' | ')} (skip decodes every image once first to find them)`,
      'fail',
    )
    .option('--encoder <encoder>', `with --model: ${ENCODER_FORMS}`, 'own')
    .option('--black-box <name>', `${ARCHITECTURE_NAMES.join(' | ')} | all`, 'all')
    .option('--jobs <n>', 'with --black-box all: maskers trained in parallel processes', '1')
    .option('--steps <n>', 'optimisation steps', String(D.steps))
    .option('--batch <n>', 'images per step', String(D.batchSize))
    .option(
      '--lr <x>',
      'Adam learning rate (the peak one with --lr-schedule cosine)',
      String(D.learningRate),
    )
    .option(
      '--lr-schedule <kind>',
      `${LEARNING_RATE_SCHEDULES.join(' | ')} (cosine: decayed to 0 over --steps)`,
      D.learningRateSchedule,
    )
    .option('--lambdas <spec>', 'paper | calibrated | tv,area,destroy,power', 'calibrated')
    .option(
      '--area-warmup <steps>',
      'steps over which λ2 ramps from 0 to its value (0: no ramp)',
      String(D.areaWarmupSteps),
    )
    .option('--alternative <kind>', ALTERNATIVE_KINDS.join(' | '), D.alternative)
    .option(
      '--fake-prob <p>',
      'probability of a fake class per image',
      String(D.fakeClassProbability),
    )
    .option(
      '--gate-weight <x>',
      'weight of the max-gate cross-entropy (embedding speed-up)',
      String(D.gateLossWeight),
    )
    .option('--seed <n>', 'seed of the initial weights and of every random draw', String(D.seed))
    .option(
      '--upsampler-channels <n>',
      'channels of the first (coarsest) upsampler block, halved in each next one',
      String(D.masker.firstUpsamplerChannels ?? DEFAULT_MASKER_CONFIG.firstUpsamplerChannels),
    )
    .option(
      '--residual-blocks <n>',
      'residual bottleneck blocks per upsampler block',
      String(D.masker.residualBlocks ?? DEFAULT_MASKER_CONFIG.residualBlocks),
    )
    .option(
      '--mask-stride <n>',
      'stride of the low-resolution mask (an encoder scale: 2, 4, 8 or 16)',
      String(D.masker.maskStride ?? DEFAULT_MASKER_CONFIG.maskStride),
    )
    .option(
      '--out <dir>',
      `output folder (with --model: default ${path.relative(process.cwd(), MODEL_MASKERS_DIR)})`,
      path.join(RESULTS_DIR, 'maskers'),
    )
    .option(
      '--checkpoints <dir>',
      'checkpoint folder (sub-folder masker-<bb>, or masker-<model name>)',
      path.join(RESULTS_DIR, 'checkpoints'),
    )
    .option(
      '--checkpoint-steps <n>',
      'checkpoint after every step whose number (counted from the start of training, resumed runs included) is a multiple of n',
      '100',
    )
    .option(
      '--checkpoint-seconds <s>',
      'also checkpoint when this many seconds have passed since the last one',
      '120',
    )
    .option('--fresh', 'ignore existing checkpoints and start over');
  addShardFlags(command, 'black boxes').parse();
  return { opts: command.opts<Options>(), command };
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
      residualBlocks: parsePositiveInteger(opts.residualBlocks, '--residual-blocks'),
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

/** What one training run explains and trains on, besides the flags. */
interface TrainingRun {
  name: string;
  blackBox: BlackBox;
  encoder: Encoder;
  /** The encoder as the record names it. */
  encoderRecord: unknown;
  /** Training images; default the kit's Cluttered Fashion-MNIST stream. */
  data?: MaskerTrainingData;
  /** Further fields of the record (the user's model and images). */
  record?: object;
}

/** Trains one masker with a progress bar and writes `<out>/<name>/` and `<out>/<name>.json`. */
async function train(
  run: TrainingRun,
  out: string,
  opts: Options,
  config: TrainMaskerConfig,
  timing: ReturnType<typeof checkpointTiming>,
  startedAt: Date,
): Promise<void> {
  const { name } = run;
  const checkpoint = {
    dir: path.join(opts.checkpoints, `masker-${name}`),
    ...timing,
    fresh: opts.fresh,
  };
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
  const result = await trainMasker(run.blackBox, run.encoder, config, {
    data: run.data,
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
  const dir = path.join(out, name);
  await result.masker.save(dir);
  const last = result.curve[result.curve.length - 1];
  writeJsonAtomic(path.join(out, `${name}.json`), {
    blackBox: name,
    encoder: run.encoderRecord,
    ...run.record,
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
  log(
    `loss ${last.loss.toFixed(3)}, area ${last.realArea.toFixed(3)} (fake ${last.fakeArea?.toFixed(3) ?? '-'}), ${(result.trainSeconds / 60).toFixed(1)} min → ${dir}`,
  );
  result.masker.dispose();
}

/** The masker of one of the kit's black boxes, on the residual encoder and the Cluttered Fashion-MNIST stream. */
async function trainOne(
  name: string,
  opts: Options,
  config: TrainMaskerConfig,
  timing: ReturnType<typeof checkpointTiming>,
): Promise<void> {
  const startedAt = new Date();
  await initEngine();
  const explained = await loadKitBlackBox(name);
  const encoderNet =
    name === ENCODER_BLACK_BOX ? explained : await loadKitBlackBox(ENCODER_BLACK_BOX);
  try {
    const run = {
      name,
      blackBox: explained.blackBox,
      encoder: residualEncoder(encoderNet.model),
      encoderRecord: `${ENCODER_BLACK_BOX} (trained black box, frozen)`,
    };
    await train(run, opts.out, opts, config, timing, startedAt);
  } finally {
    explained.dispose();
    if (encoderNet !== explained) encoderNet.dispose();
  }
}

/** The masker of the user's model (`--model`), on the encoder `--encoder` names and the images of `--data`. */
async function trainForModel(
  opts: Options,
  command: Command,
  config: TrainMaskerConfig,
  timing: ReturnType<typeof checkpointTiming>,
): Promise<void> {
  const startedAt = new Date();
  rejectGiven(
    command,
    ['blackBox', 'jobs', 'shard', 'countUnits'],
    "applies to the kit's black boxes, not to --model",
  );
  if (opts.data === undefined)
    throw new UserError(
      '--model needs --data: the images to train its masker on (a folder, an image or a glob pattern)',
    );
  const { location, options } = modelOptionsFromFlags(opts as ModelFlags);
  const encoderChoice = parseEncoderChoice(opts.encoder);
  const onBadImage = parseChoice(opts.onBadImage, BAD_IMAGE_POLICIES, '--on-bad-image');
  await initEngine();
  const loaded = await loadTfjsModel(location, options);
  try {
    const { blackBox } = loaded;
    const folder = await openImageFolder({
      root: opts.data,
      inputSize: blackBox.inputSize,
      channels: blackBox.channels as ImageChannels,
      classNames: blackBox.classNames,
      onBadImage,
    });
    const training = await folderTrainingData(folder, blackBox, config.seed);
    training.skipped.forEach((s) => console.log(`skipped ${s.file}: ${s.reason}`));
    const encoder = await loadEncoder(loaded, encoderChoice);
    try {
      const out = command.getOptionValueSource('out') === 'cli' ? opts.out : MODEL_MASKERS_DIR;
      const data = {
        input: opts.data,
        layout: folder.layout,
        images: training.images,
        skipped: training.skipped,
        warnings: folder.warnings,
      };
      const run = {
        name: blackBox.name,
        blackBox,
        encoder: encoder.encoder,
        encoderRecord: encoder.description,
        data: training.data,
        record: { model: modelRecord(loaded), data },
      };
      await train(run, out, opts, config, timing, startedAt);
    } finally {
      encoder.dispose();
    }
  } finally {
    loaded.dispose();
  }
}

async function main(): Promise<void> {
  const { opts, command } = parseArgs();
  // Every flag is checked here, so a bad one stops `--black-box all` before it starts any child.
  const config = configFromOptions(opts);
  const timing = checkpointTiming(opts);
  checkOutputPath(opts.out, '--out', 'folder');
  checkOutputPath(opts.checkpoints, '--checkpoints', 'folder');
  if (opts.model !== undefined) return trainForModel(opts, command, config, timing);
  rejectGiven(
    command,
    [...MODEL_DECLARATION_KEYS, 'data', 'onBadImage', 'encoder'],
    'applies only with --model',
  );
  const blackBox = parseChoice(opts.blackBox, [...ARCHITECTURE_NAMES, 'all'], '--black-box');
  const names = blackBox === 'all' ? ARCHITECTURE_NAMES : [blackBox];
  if (opts.countUnits) return printUnitCount(names.length, opts.out);
  const mine = shardItems(names, parseShard(opts.shard));
  if (blackBox === 'all')
    return runOncePerValue(
      __filename,
      '--black-box',
      mine,
      parsePositiveInteger(opts.jobs, '--jobs'),
    );
  if (mine.length) await trainOne(blackBox, opts, config, timing);
}

runMain(main);
