/**
 * Speed of the trained masker against iterative masks (Dabkowski & Gal 2017,
 * §5: the masker needs one forward pass, iterative masks hundreds of
 * optimisation steps), side by side in one process on the same engine and the
 * same Cluttered Fashion-MNIST test images. The masker runs in batches of
 * `--batch` (timed over repeated calls after warm-up) and on single images
 * (latency); iterative masks run once on the same images with their default
 * iterations. Writes `<out>` (default results/maskers/speed.json).
 *
 * With `--model` (and the model flags of lib/classifiers/model-flags.ts),
 * `--masker` and `--data`: the masker trained for a user's classifier
 * (experiments/paper/train-masker.ts --model) against iterative masks on that
 * classifier, on the first `--batch` of the user's images, each for its true
 * class (or the model's top class when unlabelled); default out
 * `results/maskers/models/speed-<model name>.json`.
 *
 * Run: npx ts-node --transpile-only experiments/bench/masker-speed.ts --black-box residual
 *      npx ts-node --transpile-only experiments/bench/masker-speed.ts --model my-model/ --masker my-masker/ --data photos/
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import { initEngine } from '../../lib/engine/backend';
import { ARCHITECTURE_NAMES } from '../../lib/classifiers/architecture';
import { timeTensorWork } from '../../lib/engine/timing';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { DEFAULT_ITERATIVE_MASK_CONFIG, iterativeMask } from '../../lib/methods/iterative-mask';
import { loadTrainedMasker } from '../../lib/masker/masker-assets';
import { loadKitBlackBox } from '../../lib/classifiers/kit-black-boxes';
import {
  checkMaskerFlags,
  loadModelMasker,
  MODEL_MASKERS_DIR,
} from '../../lib/masker/model-masker';
import type { Command } from 'commander';
import {
  checkOutputPath,
  parseChoice,
  parsePositiveInteger,
  program,
  rejectGiven,
  runMain,
} from '../../lib/commands/cli';
import type { ImageChannels } from '../../lib/data/image-decode';
import { BAD_IMAGE_POLICIES, openImageFolder } from '../../lib/data/image-folder';
import type { Masker } from '../../lib/masker/masker';
import type { BlackBox } from '../../lib/classifiers/black-box';
import { loadTfjsModel } from '../../lib/classifiers/load-tfjs-model';
import {
  addModelFlags,
  MODEL_DECLARATION_KEYS,
  ModelFlags,
  modelOptionsFromFlags,
} from '../../lib/classifiers/model-flags';
import { modelRecord } from '../../lib/classifiers/model-record';
import { UserError } from '../../lib/core/user-error';

interface Options extends Partial<ModelFlags> {
  blackBox: string;
  batch: string;
  out: string;
  masker?: string;
  featureModel?: string;
  data?: string;
  onBadImage: string;
}

/** What is timed: a black box, its masker, the images and their classes; `dispose()` frees what was loaded. */
interface SpeedSubject {
  name: string;
  blackBox: BlackBox;
  masker: Masker;
  /** `[n, H, W, C]`. */
  images: tf.Tensor4D;
  classes: number[];
  /** The record's fields that say what was explained on which images. */
  record: object;
  /** The results file. */
  out: string;
  dispose(): void;
}

/** The kit's black box `--black-box` and its committed masker, on the first Cluttered Fashion-MNIST test images. */
async function kitSubject(opts: Options, n: number): Promise<SpeedSubject> {
  const name = parseChoice(opts.blackBox, ARCHITECTURE_NAMES, '--black-box');
  checkOutputPath(opts.out, '--out', 'file');
  await initEngine();
  const explained = await loadKitBlackBox(name);
  const { masker, dispose } = await loadTrainedMasker(name);
  const { images, labels } = new ClutteredFashionMnist({ split: 'test' }).batch(0, n);
  const record = {
    blackBox: name,
    imageSize: explained.blackBox.inputSize,
    images: 'Cluttered Fashion-MNIST test split, first images, true classes',
  };
  return {
    name,
    blackBox: explained.blackBox,
    masker,
    images,
    classes: Array.from(labels),
    record,
    out: opts.out,
    dispose: () => {
      dispose();
      explained.dispose();
    },
  };
}

/** The user's model `--model`, its masker `--masker`, on the first images of `--data`. */
async function modelSubject(opts: Options, command: Command, n: number): Promise<SpeedSubject> {
  rejectGiven(command, ['blackBox'], "applies to the kit's black boxes, not to --model");
  if (opts.masker === undefined || opts.data === undefined)
    throw new UserError(
      '--model needs --masker (a masker trained for it) and --data (the images to time it on)',
    );
  checkMaskerFlags(opts.masker, opts.featureModel);
  const { location, options } = modelOptionsFromFlags(opts as ModelFlags);
  const onBadImage = parseChoice(opts.onBadImage, BAD_IMAGE_POLICIES, '--on-bad-image');
  await initEngine();
  const loaded = await loadTfjsModel(location, options);
  try {
    const { blackBox } = loaded;
    const out =
      command.getOptionValueSource('out') === 'cli'
        ? opts.out
        : path.join(MODEL_MASKERS_DIR, `speed-${blackBox.name}.json`);
    checkOutputPath(out, '--out', 'file');
    const folder = await openImageFolder({
      root: opts.data,
      inputSize: blackBox.inputSize,
      channels: blackBox.channels as ImageChannels,
      classNames: blackBox.classNames,
      onBadImage,
    });
    const batch = await folder.batch(0, n);
    if (batch.entries.length === 0)
      throw new UserError(`--data ${opts.data}: none of its first ${n} images could be decoded`);
    const classes = batch.labels
      ? Array.from(batch.labels)
      : tf.tidy(() => Array.from(tf.argMax(blackBox.predict(batch.images), 1).dataSync()));
    const masker = await loadModelMasker(loaded, opts.masker, opts.featureModel).catch((err) => {
      batch.images.dispose();
      throw err;
    });
    const record = {
      blackBox: blackBox.name,
      imageSize: blackBox.inputSize,
      images: `${opts.data}, first images, ${batch.labels ? 'true classes' : "the model's top classes"}`,
      model: modelRecord(loaded),
      data: { input: opts.data, files: batch.entries.map((e) => e.file), skipped: batch.skipped },
      maskerDir: opts.masker,
    };
    return {
      name: blackBox.name,
      blackBox,
      masker: masker.masker,
      images: batch.images,
      classes,
      record,
      out,
      dispose: () => {
        masker.dispose();
        loaded.dispose();
      },
    };
  } catch (err) {
    loaded.dispose();
    throw err;
  }
}

async function main(): Promise<void> {
  const command = program(
    'Masks per second: trained masker vs iterative masks, same images and engine; with --model, --masker and --data, for your own classifier',
  ).option('--black-box <name>', 'black box explained', 'residual');
  addModelFlags(command, false);
  const opts = command
    .option(
      '--masker <dir>',
      'with --model: the masker trained for it (experiments/paper/train-masker.ts --model)',
    )
    .option(
      '--feature-model <path>',
      'with --masker: the feature model the masker was trained on, for a masker trained with --encoder <feature model>',
    )
    .option(
      '--data <path>',
      'with --model: the images, a folder (class sub-folders, a labels.csv, or images directly in it), an image or a glob pattern',
    )
    .option(
      '--on-bad-image <policy>',
      `with --model: an image the decoder rejects: ${BAD_IMAGE_POLICIES.join(' | ')}`,
      'fail',
    )
    .option('--batch <n>', 'images (masker batch = iterative batch)', '32')
    .option('--out <file>', 'results file', path.join(RESULTS_DIR, 'maskers', 'speed.json'))
    .parse()
    .opts<Options>();
  const n = parsePositiveInteger(opts.batch, '--batch');
  if (opts.model === undefined)
    rejectGiven(
      command,
      [...MODEL_DECLARATION_KEYS, 'masker', 'featureModel', 'data', 'onBadImage'],
      'applies only with --model',
    );
  const startedAt = new Date();
  const subject =
    opts.model === undefined ? await kitSubject(opts, n) : await modelSubject(opts, command, n);
  const { masker, images, classes } = subject;
  const batchSize = images.shape[0];
  const single = tf.slice(images, [0, 0, 0, 0], [1, -1, -1, -1]);
  const run = (x: tf.Tensor4D, c: number[]) => () => {
    const { mask, lowResMask, gates } = masker.predict(x, c);
    tf.dispose([lowResMask, gates]);
    return mask;
  };

  // 1. Masker: batches, then single images.
  const batched = timeTensorWork(run(images, classes), { minSeconds: 3 });
  const one = timeTensorWork(run(single, classes.slice(0, 1)), { minSeconds: 2 });
  const maskerRow = {
    batch: batchSize,
    msPerBatch: batched.meanMs,
    masksPerSecond: (1000 * batchSize) / batched.meanMs,
    msPerImageInBatch: batched.meanMs / batchSize,
    singleImageLatencyMs: one.meanMs,
    reps: batched.reps,
  };
  console.log(
    `masker: ${maskerRow.masksPerSecond.toFixed(1)} masks/s (batch ${batchSize}), ${one.meanMs.toFixed(2)} ms for one image`,
  );

  // 2. Iterative masks on the same images, default iterations.
  const t0 = performance.now();
  (await iterativeMask(subject.blackBox, images, classes)).dispose();
  const seconds = (performance.now() - t0) / 1000;
  const iterativeRow = {
    batch: batchSize,
    iterations: DEFAULT_ITERATIVE_MASK_CONFIG.iterations,
    seconds,
    masksPerSecond: batchSize / seconds,
    msPerImage: (1000 * seconds) / batchSize,
  };
  console.log(
    `iterative masks: ${iterativeRow.masksPerSecond.toFixed(3)} masks/s (${iterativeRow.iterations} iterations, batch ${batchSize})`,
  );

  const speedup = maskerRow.masksPerSecond / iterativeRow.masksPerSecond;
  console.log(`masker / iterative: ${speedup.toFixed(0)}×`);
  writeJsonAtomic(subject.out, {
    ...subject.record,
    masker: {
      ...maskerRow,
      config: masker.config,
      params: masker.trainableVariables().reduce((s, v) => s + v.size, 0),
    },
    iterative: iterativeRow,
    speedup,
    targets: { maskerMasksPerSecond: 100, speedup: 100 },
    run: runMetadata(startedAt),
  });
  tf.dispose([images, single]);
  subject.dispose();
}

runMain(main);
