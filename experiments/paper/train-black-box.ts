/**
 * Trains the kit's black boxes on Cluttered Fashion-MNIST and writes, per
 * architecture, `<out>/<arch>/model.json + weights.bin` (a standard TF.js
 * LayersModel that outputs probabilities) and `<out>/<arch>.json` (accuracies,
 * size, cost, timings, configuration, run metadata).
 *
 * Checkpoints go to results/checkpoints/<arch>/ after every epoch, after
 * every `--checkpoint-steps` steps and every `--checkpoint-seconds` within
 * one; a rerun resumes from there, with the weights an uninterrupted run
 * would have had (`--fresh` starts over). With `--arch all` each architecture trains in its own child
 * process, `--jobs` at a time (wasm uses one core per process); a child runs
 * exactly what `--arch <name>` would, so the results do not depend on `--jobs`.
 *
 * Run: npx ts-node --transpile-only experiments/paper/train-black-box.ts --arch all --jobs 2
 */
import * as path from 'path';
import * as cliProgress from 'cli-progress';
import { initEngine } from '../../lib/engine/backend';
import { ArchitectureName, ARCHITECTURE_NAMES } from '../../lib/classifiers/architecture';
import { fileSystemHandler } from '../../lib/io/file-io-handler';
import {
  COMMITTED_BLACK_BOXES,
  DEFAULT_TRAIN_BLACK_BOX_CONFIG,
  trainBlackBox,
} from '../../lib/classifiers/train-black-box';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { runOncePerValue } from '../../lib/commands/parallel';
import {
  addShardFlags,
  parseShard,
  printUnitCount,
  ShardFlags,
  shardItems,
} from '../../lib/commands/shard';
import {
  checkOutputPath,
  FRACTION,
  NumberRule,
  parseChoice,
  parseNonNegativeInteger,
  parseNumber,
  parsePositiveInteger,
  POSITIVE_NUMBER,
  program,
  runMain,
} from '../../lib/commands/cli';
import { UserError } from '../../lib/core/user-error';

interface Options extends ShardFlags {
  arch: string;
  epochs?: string;
  batch: string;
  lr: string;
  seed: string;
  dataSeed: string;
  trainSize: string;
  backgroundErasing: string;
  cropResize?: string;
  jobs: string;
  out: string;
  checkpoints: string;
  checkpointSteps?: string;
  checkpointSeconds: string;
  fresh?: boolean;
}

const D = DEFAULT_TRAIN_BLACK_BOX_CONFIG;

/** "plain 4, inception 4, …": one field of the committed recipes, for the help text. */
const committed = (field: 'epochs' | 'cropResize') =>
  Object.entries(COMMITTED_BLACK_BOXES)
    .map(([a, r]) => `${a} ${r[field]}`)
    .join(', ');

function parseArgs(): Options {
  return addShardFlags(
    program('Train the black-box classifiers on Cluttered Fashion-MNIST'),
    'architectures',
  )
    .option('--arch <name>', `${ARCHITECTURE_NAMES.join(' | ')} | all`, 'all')
    .option(
      '--epochs <n>',
      `passes over the training items (default: those of the committed weights, ${committed('epochs')})`,
    )
    .option('--batch <n>', 'images per step', String(D.batchSize))
    .option('--lr <x>', 'peak Adam learning rate (cosine decay to 0)', String(D.learningRate))
    .option('--seed <n>', 'seed of initialisation and shuffling', String(D.seed))
    .option('--data-seed <n>', 'seed of the Cluttered Fashion-MNIST renders', String(D.dataSeed))
    .option('--train-size <n>', 'training items (first of the train split)', String(D.trainSize))
    .option(
      '--background-erasing <p>',
      'share of training images with random background regions blurred or noised (0: off)',
      String(D.backgroundErasing),
    )
    .option(
      '--crop-resize <p>',
      `share of training images cropped around their item and resized to the full image (0: off; default: that of the committed weights, ${committed('cropResize')})`,
    )
    .option('--jobs <n>', 'with --arch all: architectures trained in parallel processes', '1')
    .option('--out <dir>', 'output folder', path.join(RESULTS_DIR, 'black-boxes'))
    .option(
      '--checkpoints <dir>',
      'checkpoint folder (one sub-folder per architecture)',
      path.join(RESULTS_DIR, 'checkpoints'),
    )
    .option(
      '--checkpoint-steps <n>',
      "also checkpoint after every step whose number (counted from the start of training, resumed runs included) is a multiple of n (default: off; there is always one at every epoch's end)",
    )
    .option('--checkpoint-seconds <s>', 'seconds between checkpoints within an epoch', '120')
    .option('--fresh', 'ignore existing checkpoints and start over')
    .parse()
    .opts<Options>();
}

/** The default trains on every train item the validation items leave, so it is also the largest value. */
const TRAIN_SIZE_RULE: NumberRule = { integer: true, min: 1, max: D.trainSize };

/** The training settings the flags give; unset `epochs` and `cropResize` (undefined) take the architecture's committed recipe. */
function settingsFromOptions(opts: Options) {
  const settings = {
    epochs: opts.epochs === undefined ? undefined : parsePositiveInteger(opts.epochs, '--epochs'),
    batchSize: parsePositiveInteger(opts.batch, '--batch'),
    learningRate: parseNumber(opts.lr, '--lr', POSITIVE_NUMBER),
    seed: parseNonNegativeInteger(opts.seed, '--seed'),
    dataSeed: parseNonNegativeInteger(opts.dataSeed, '--data-seed'),
    trainSize: parseNumber(opts.trainSize, '--train-size', TRAIN_SIZE_RULE),
    backgroundErasing: parseNumber(opts.backgroundErasing, '--background-erasing', FRACTION),
    cropResize:
      opts.cropResize === undefined
        ? undefined
        : parseNumber(opts.cropResize, '--crop-resize', FRACTION),
  };
  if (settings.trainSize < settings.batchSize)
    throw new UserError(
      `--train-size (${settings.trainSize}) must hold at least one batch of --batch ${settings.batchSize}`,
    );
  return settings;
}

/** How often the flags ask for checkpoints within an epoch. */
function checkpointTiming(opts: Options): { everySteps?: number; everySeconds: number } {
  return {
    everySteps:
      opts.checkpointSteps === undefined
        ? undefined
        : parsePositiveInteger(opts.checkpointSteps, '--checkpoint-steps'),
    everySeconds: parseNumber(opts.checkpointSeconds, '--checkpoint-seconds', POSITIVE_NUMBER),
  };
}

async function trainOne(
  arch: ArchitectureName,
  opts: Options,
  settings: ReturnType<typeof settingsFromOptions>,
  timing: ReturnType<typeof checkpointTiming>,
): Promise<void> {
  const startedAt = new Date();
  await initEngine();
  const config = {
    ...settings,
    arch,
    epochs: settings.epochs ?? COMMITTED_BLACK_BOXES[arch].epochs,
    cropResize: settings.cropResize ?? COMMITTED_BLACK_BOXES[arch].cropResize,
  };
  const bar = new cliProgress.SingleBar(
    {
      format: `${arch.padEnd(9)} epoch {epoch} [{bar}] {value}/{total} | loss {loss} | acc {acc} | {ips} img/s | eta {eta}s`,
      noTTYOutput: true,
      notTTYSchedule: 30000,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  const log = (line: string) => console.log(`${arch.padEnd(9)} ${line}`);
  const result = await trainBlackBox(
    config,
    { dir: path.join(opts.checkpoints, arch), ...timing, fresh: opts.fresh },
    {
      onResume: (p) =>
        log(
          `resuming from checkpoint: epoch ${p.epoch + 1}, step ${p.step} (global step ${p.globalStep})`,
        ),
      onEpochStart: (epoch, total, start) =>
        bar.start(total, start, {
          epoch: `${epoch + 1}/${config.epochs}`,
          loss: '-',
          acc: '-',
          ips: '-',
        }),
      onStep: (s) =>
        bar.update(s.step, {
          loss: s.loss.toFixed(3),
          acc: s.accuracy.toFixed(3),
          ips: s.imagesPerSecond.toFixed(0),
        }),
      onEpochEnd: (r) => {
        bar.stop();
        log(
          `epoch ${r.epoch + 1}: loss ${r.meanLoss.toFixed(4)}, train acc ${r.trainAccuracy.toFixed(4)}, validation acc ${r.validationAccuracy.toFixed(4)}`,
        );
      },
      onCheckpoint: (p) => log(`checkpoint saved at epoch ${p.epoch + 1}, step ${p.step}`),
    },
  );
  const modelDir = path.join(opts.out, arch);
  await result.model.save(fileSystemHandler(modelDir));
  const summary = {
    arch,
    testAccuracy: result.testAccuracy,
    boxCropTestAccuracy: result.boxCropTestAccuracy,
    plainFashionMnistTestAccuracy: result.plainTestAccuracy,
    params: result.cost.params,
    weightBytes: result.cost.weightBytes,
    multiplyAdds: result.cost.multiplyAdds,
    mflops: result.cost.flops / 1e6,
    epochs: result.epochs,
    trainSeconds: result.trainSeconds,
    imagesPerSecond: result.imagesPerSecond,
    resumedFrom: result.resumedFrom,
    model: path.relative(process.cwd(), modelDir),
    outputs: 'probabilities',
    evaluation: {
      clutteredTest: 'Cluttered Fashion-MNIST test split, 10,000 images, data seed as configured',
      boxCropTest:
        "the same images cropped to their item's box and resized to 64×64 (bilinear, aspect ratio ignored), as the saliency metric crops the ground-truth box",
      plainFashionMnistTest:
        'Fashion-MNIST t10k items scaled to 40×40 (bilinear), centred on a black 64×64 canvas, grey copied to RGB',
    },
    config: result.config,
    seed: result.config.seed,
    run: runMetadata(startedAt),
  };
  writeJsonAtomic(path.join(opts.out, `${arch}.json`), summary);
  log(
    `test acc ${result.testAccuracy.toFixed(4)}, box-crop test acc ${result.boxCropTestAccuracy.toFixed(4)}, plain Fashion-MNIST acc ${result.plainTestAccuracy.toFixed(4)}, ${(result.trainSeconds / 60).toFixed(1)} min, ${result.imagesPerSecond.toFixed(0)} img/s → ${modelDir}`,
  );
  result.model.dispose();
}

async function main(): Promise<void> {
  const opts = parseArgs();
  const arch = parseChoice<ArchitectureName | 'all'>(
    opts.arch,
    [...ARCHITECTURE_NAMES, 'all'],
    '--arch',
  );
  // Every flag is checked here, so a bad one stops `--arch all` before it starts any child.
  const settings = settingsFromOptions(opts);
  const timing = checkpointTiming(opts);
  checkOutputPath(opts.out, '--out', 'folder');
  checkOutputPath(opts.checkpoints, '--checkpoints', 'folder');
  const archs = arch === 'all' ? ARCHITECTURE_NAMES : [arch];
  if (opts.countUnits) return printUnitCount(archs.length, opts.out);
  const mine = shardItems(archs, parseShard(opts.shard));
  if (arch === 'all')
    return runOncePerValue(__filename, '--arch', mine, parsePositiveInteger(opts.jobs, '--jobs'));
  if (mine.length) await trainOne(arch, opts, settings, timing);
}

runMain(main);
