/**
 * A quick look at the trained maskers (Dabkowski & Gal 2017, §4–5), per black
 * box, on Cluttered Fashion-MNIST; the full evaluation is
 * experiments/paper/evaluate*.ts. Measures:
 *
 * - localisation (lib/metrics/localisation.ts): α tuned on `--tune` held-out
 *   training images (train items 55,000+, never used to train the masker),
 *   then the error on the first `--test` test images, true classes;
 * - mean mask area for the true class and for a fake class (a uniformly drawn
 *   other class): the paper's class selector should drive the latter to ≈ 0;
 * - class selectivity on `--pairs` two-item test images (lib/metrics/selectivity.ts):
 *   for each item's class, the share of mask mass inside that item's box and
 *   inside the other item's box.
 *
 * Writes `<out>` (default results/maskers/check.json) and a figure
 * (default results/figures/masker-samples.png): per black box three rows —
 * image, mask, masked image X ⊙ M — for the first 8 test images.
 *
 * Run: npx ts-node --transpile-only experiments/paper/check-masker.ts
 */
import * as path from 'path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import { initEngine } from '../../lib/engine/backend';
import { localise, tuneAlpha } from '../../lib/metrics/localisation';
import { boxRegions, classSelectivity, meanMaskArea } from '../../lib/metrics/selectivity';
import { ARCHITECTURE_NAMES } from '../../lib/classifiers/architecture';
import { DEFAULT_TRAIN_BLACK_BOX_CONFIG } from '../../lib/classifiers/train-black-box';
import { Random } from '../../lib/core/random';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { loadTrainedMasker, MASKERS_DIR } from '../../lib/masker/masker-assets';
import { BLACK_BOXES_DIR, loadKitBlackBox } from '../../lib/classifiers/kit-black-boxes';
import { maskerSaliency } from '../../lib/methods/masker-method';
import {
  checkOutputPath,
  parseChoice,
  parseNumber,
  parsePositiveInteger,
  program,
  runMain,
} from '../../lib/commands/cli';
import { mean } from '../../lib/metrics/summary';

interface Options {
  blackBox: string;
  maskerDir: string;
  blackBoxDir: string;
  tune: string;
  test: string;
  pairs: string;
  out: string;
  figure: string;
}

const FIGURE_IMAGES = 8;
/** The first held-out training item (the black boxes' validation items, never used to train the masker). */
const HELD_OUT_START = DEFAULT_TRAIN_BLACK_BOX_CONFIG.trainSize;
const ZOOM = 2;
const GAP = 4;

/** A uniformly drawn class other than `label`. */
function fakeClass(rng: Random, label: number, numClasses: number): number {
  const k = rng.int(0, numClasses - 1);
  return k >= label ? k + 1 : k;
}

/** The figure rows of one black box: image, mask (grey), X ⊙ M; `[3, 8]` tiles of `[H, W, 3]` bytes. */
function figureRows(images: tf.Tensor4D, masks: tf.Tensor4D): Uint8Array[][] {
  return tf.tidy(() => {
    const grey = tf.tile(masks, [1, 1, 1, 3]);
    return [images, grey, tf.mul(images, masks)].map((t) => {
      const bytes = tf.cast(tf.mul(tf.clipByValue(t, 0, 1), 255), 'int32').dataSync();
      const [b, h, w] = t.shape;
      return Array.from({ length: b }, (_, i) =>
        Uint8Array.from(bytes.subarray(i * h * w * 3, (i + 1) * h * w * 3)),
      );
    });
  });
}

async function writeFigure(file: string, rows: Uint8Array[][], size: number): Promise<void> {
  const tile = size * ZOOM;
  const width = FIGURE_IMAGES * (tile + GAP) + GAP;
  const height = rows.length * (tile + GAP) + GAP;
  const canvas = new Uint8Array(width * height * 3).fill(255);
  rows.forEach((row, r) =>
    row.forEach((pixels, c) => {
      for (let y = 0; y < tile; y++) {
        for (let x = 0; x < tile; x++) {
          const src = (Math.floor(y / ZOOM) * size + Math.floor(x / ZOOM)) * 3;
          const dst = ((GAP + r * (tile + GAP) + y) * width + GAP + c * (tile + GAP) + x) * 3;
          canvas.set(pixels.subarray(src, src + 3), dst);
        }
      }
    }),
  );
  await sharp(Buffer.from(canvas), { raw: { width, height, channels: 3 } })
    .png()
    .toFile(file);
}

async function main(): Promise<void> {
  const opts = program(
    'Quick check of the trained maskers: localisation, fake-class area, selectivity, sample figure',
  )
    .option('--black-box <name>', `${ARCHITECTURE_NAMES.join(' | ')} | all`, 'all')
    .option('--tune <n>', 'held-out training images for α', '256')
    .option('--test <n>', 'test images', '500')
    .option('--pairs <n>', 'two-item test images', '200')
    .option('--masker-dir <dir>', 'trained maskers (<dir>/<arch>/masker.json)', MASKERS_DIR)
    .option(
      '--black-box-dir <dir>',
      'trained black boxes (<dir>/<arch>/model.json)',
      BLACK_BOXES_DIR,
    )
    .option('--out <file>', 'results file', path.join(RESULTS_DIR, 'maskers', 'check.json'))
    .option(
      '--figure <file>',
      'sample figure',
      path.join(RESULTS_DIR, 'figures', 'masker-samples.png'),
    )
    .parse()
    .opts<Options>();
  const blackBox = parseChoice(opts.blackBox, [...ARCHITECTURE_NAMES, 'all'], '--black-box');
  const names = blackBox === 'all' ? [...ARCHITECTURE_NAMES] : [blackBox];
  const tune = parseNumber(opts.tune, '--tune', {
    integer: true,
    min: 1,
    max: DEFAULT_TRAIN_BLACK_BOX_CONFIG.validationSize,
  });
  // The figure shows the first FIGURE_IMAGES test images.
  const testCount = parseNumber(opts.test, '--test', { integer: true, min: FIGURE_IMAGES });
  const pairCount = parsePositiveInteger(opts.pairs, '--pairs');
  checkOutputPath(opts.out, '--out', 'file');
  checkOutputPath(opts.figure, '--figure', 'file');
  const startedAt = new Date();
  await initEngine();
  const train = new ClutteredFashionMnist({ split: 'train' });
  const test = new ClutteredFashionMnist({ split: 'test' });
  const pairs = new ClutteredFashionMnist({ split: 'test', variant: 'pair' });
  const tuneSet = train.batch(HELD_OUT_START, HELD_OUT_START + tune);
  const testSet = test.batch(0, testCount);
  const pairSet = pairs.batch(0, pairCount);
  const [h, w] = test.imageSize;
  const results: Record<string, unknown> = {};
  const figure: Uint8Array[][] = [];
  for (const name of names) {
    const explained = await loadKitBlackBox(name, opts.blackBoxDir);
    const { masker, dispose } = await loadTrainedMasker(name, opts.maskerDir, opts.blackBoxDir);
    const bb = explained.blackBox;
    const numClasses = bb.classNames.length;
    const masksFor = (images: tf.Tensor4D, classes: readonly number[]) =>
      maskerSaliency(bb, images, classes, { masker, batchSize: 64 });

    // 1. Localisation: α on held-out training images, error on test images.
    const tuneMasks = await masksFor(tuneSet.images, Array.from(tuneSet.labels));
    const tuned = tuneAlpha(tuneMasks, tuneSet.boxes);
    const testMasks = await masksFor(testSet.images, Array.from(testSet.labels));
    const loc = localise(testMasks, testSet.boxes, { alpha: tuned.alpha });
    const trueArea = mean(meanMaskArea(testMasks));

    // 2. Fake classes.
    const rng = new Random(`check-masker/${name}`);
    const fakes = Array.from(testSet.labels, (label) => fakeClass(rng, label, numClasses));
    const fakeMasks = await masksFor(testSet.images, fakes);
    const fakeAreas = meanMaskArea(fakeMasks);

    // 3. Selectivity on two-item images, for each item's class.
    const perItem = [];
    for (const k of [0, 1]) {
      const masks = await masksFor(
        pairSet.images,
        pairSet.items.map((items) => items[k].label),
      );
      const regionsOf = (j: number) =>
        boxRegions(
          pairSet.items.map((items) => items[j].box),
          h,
          w,
        );
      const s = classSelectivity(masks, regionsOf(k), regionsOf(1 - k));
      perItem.push(s);
      masks.dispose();
    }
    const requested = perItem.flatMap((s) => s.requested);
    const other = perItem.flatMap((s) => s.other);

    results[name] = {
      localisation: {
        alpha: tuned.alpha,
        tuneAccuracy: tuned.accuracy,
        testError: loc.error,
        testAccuracy: loc.accuracy,
        meanIoU: mean(loc.iou),
      },
      meanAreaTrueClass: trueArea,
      meanBoxFraction: mean(testSet.boxes.map((b) => ((b.x1 - b.x0) * (b.y1 - b.y0)) / (h * w))),
      meanAreaFakeClass: mean(fakeAreas),
      fakeAreaBelow005: fakeAreas.filter((a) => a < 0.05).length / fakeAreas.length,
      selectivity: {
        massInRequestedBox: mean(requested),
        massInOtherBox: mean(other),
        imagesMostlyOnRequested: requested.filter((r, i) => r > other[i]).length / requested.length,
      },
    };
    console.log(`${name}: ${JSON.stringify(results[name])}`);

    // 4. Figure rows.
    const sample = tf.slice(testMasks, [0, 0, 0, 0], [FIGURE_IMAGES, -1, -1, -1]);
    const sampleImages = tf.slice(testSet.images, [0, 0, 0, 0], [FIGURE_IMAGES, -1, -1, -1]);
    figure.push(...figureRows(sampleImages, sample));
    tf.dispose([tuneMasks, testMasks, fakeMasks, sample, sampleImages]);
    dispose();
    explained.dispose();
  }
  await writeFigure(opts.figure, figure, h);
  tf.dispose([tuneSet.images, testSet.images, pairSet.images]);
  writeJsonAtomic(opts.out, {
    protocol: {
      tune: `train split items ${HELD_OUT_START}..${HELD_OUT_START + tune - 1} (held out from masker training), α grid 0..10 step 0.25, IoU ≥ 0.5`,
      test: `test split images 0..${testCount - 1}, true classes; fake class = a uniformly drawn other class`,
      pairs: `two-item test images 0..${pairCount - 1}, a mask per item's class, mass inside each item's box`,
    },
    figure: path.relative(process.cwd(), opts.figure),
    figureLayout: `per black box (${names.join(', ')}): rows image, mask, X ⊙ M for test images 0-${FIGURE_IMAGES - 1}`,
    results,
    run: runMetadata(startedAt),
  });
}

runMain(main);
