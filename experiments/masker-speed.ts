/**
 * Speed of the trained masker against iterative masks (Dabkowski & Gal 2017,
 * §5: the masker needs one forward pass, iterative masks hundreds of
 * optimisation steps), side by side in one process on the same engine and the
 * same Cluttered Fashion-MNIST test images. The masker runs in batches of
 * `--batch` (timed over repeated calls after warm-up) and on single images
 * (latency); iterative masks run once on the same images with their default
 * iterations. Writes `<out>` (default results/maskers/speed.json).
 *
 * Run: npx ts-node --transpile-only experiments/masker-speed.ts --black-box residual
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ClutteredFashionMnist } from '../lib/data/cluttered';
import { initEngine } from '../lib/engine/backend';
import { ARCHITECTURE_NAMES } from '../lib/models/architecture';
import { timeTensorWork } from '../lib/engine/timing';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../lib/results';
import { DEFAULT_ITERATIVE_MASK_CONFIG, iterativeMask } from '../lib/saliency/iterative-mask';
import { loadKitBlackBox, loadTrainedMasker } from '../lib/saliency/masker-assets';
import { checkOutputPath, parseChoice, parsePositiveInteger, program, runMain } from '../lib/cli';

interface Options {
  blackBox: string;
  batch: string;
  out: string;
}

async function main(): Promise<void> {
  const opts = program('Masks per second: trained masker vs iterative masks, same images and engine')
    .option('--black-box <name>', 'black box explained', 'residual')
    .option('--batch <n>', 'images (masker batch = iterative batch)', '32')
    .option('--out <file>', 'results file', path.join(RESULTS_DIR, 'maskers', 'speed.json'))
    .parse()
    .opts<Options>();
  const blackBox = parseChoice(opts.blackBox, ARCHITECTURE_NAMES, '--black-box');
  const n = parsePositiveInteger(opts.batch, '--batch');
  checkOutputPath(opts.out, '--out', 'file');
  const startedAt = new Date();
  await initEngine();
  const explained = await loadKitBlackBox(blackBox);
  const { masker, dispose } = await loadTrainedMasker(blackBox);
  const { images, labels } = new ClutteredFashionMnist({ split: 'test' }).batch(0, n);
  const classes = Array.from(labels);
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
    batch: n,
    msPerBatch: batched.meanMs,
    masksPerSecond: (1000 * n) / batched.meanMs,
    msPerImageInBatch: batched.meanMs / n,
    singleImageLatencyMs: one.meanMs,
    reps: batched.reps,
  };
  console.log(`masker: ${maskerRow.masksPerSecond.toFixed(1)} masks/s (batch ${n}), ${one.meanMs.toFixed(2)} ms for one image`);

  // 2. Iterative masks on the same images, default iterations.
  const t0 = performance.now();
  (await iterativeMask(explained.blackBox, images, classes)).dispose();
  const seconds = (performance.now() - t0) / 1000;
  const iterativeRow = {
    batch: n,
    iterations: DEFAULT_ITERATIVE_MASK_CONFIG.iterations,
    seconds,
    masksPerSecond: n / seconds,
    msPerImage: (1000 * seconds) / n,
  };
  console.log(`iterative masks: ${iterativeRow.masksPerSecond.toFixed(3)} masks/s (${iterativeRow.iterations} iterations, batch ${n})`);

  const speedup = maskerRow.masksPerSecond / iterativeRow.masksPerSecond;
  console.log(`masker / iterative: ${speedup.toFixed(0)}×`);
  writeJsonAtomic(opts.out, {
    blackBox,
    imageSize: explained.blackBox.inputSize,
    images: 'Cluttered Fashion-MNIST test split, first images, true classes',
    masker: { ...maskerRow, config: masker.config, params: masker.trainableVariables().reduce((s, v) => s + v.size, 0) },
    iterative: iterativeRow,
    speedup,
    targets: { maskerMasksPerSecond: 100, speedup: 100 },
    run: runMetadata(startedAt),
  });
  tf.dispose([images, single]);
  dispose();
  explained.dispose();
}

runMain(main);
