/**
 * Calibrates the area and smoothness weights λ2, λ1 of the saliency objective
 * (Dabkowski & Gal 2017, §4) for the kit's normalisation (mean TV, AV = mean
 * of M) on Cluttered Fashion-MNIST. At that normalisation the paper's printed
 * λ2 = 10⁻³ is too weak and masks grow to all-ones, so a grid of (λ1, λ2) is
 * tried with λ3 = 5, λ4 = 0.3 kept: iterative masks (lib/methods/iterative-mask.ts)
 * on the first `--images` training images for their true class, against the
 * `--black-box` net. Per setting it records the mean mask area, the items'
 * mean box-area fraction, the share of mask mass inside the box, and the
 * class probability with the mask kept, f_c(Φ(X, M)), and removed,
 * f_c(Φ(X, 1 − M)), both with the blurred image as A (deterministic).
 *
 * Choice rule: among settings whose mean kept probability is at least
 * `--min-kept` (default 0.6), the one whose mean area is closest to the mean
 * box fraction. Writes `<out>` (default results/maskers/calibration.json).
 *
 * Run: npx ts-node --transpile-only experiments/paper/calibrate-lambdas.ts
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import { initEngine } from '../../lib/engine/backend';
import { alternativeImages, removeEvidence } from '../../lib/paper/evidence';
import { ARCHITECTURE_NAMES } from '../../lib/classifiers/architecture';
import { boxRegions, massInside } from '../../lib/metrics/selectivity';
import { ObjectiveLambdas, PAPER_LAMBDAS } from '../../lib/paper/objective';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { classProbability } from '../../lib/methods/inputs';
import { iterativeMask } from '../../lib/methods/iterative-mask';
import { loadKitBlackBox } from '../../lib/classifiers/kit-black-boxes';
import {
  checkOutputPath,
  FRACTION,
  NON_NEGATIVE_NUMBER,
  parseChoice,
  parseNumber,
  parseNumberList,
  parsePositiveInteger,
  program,
  runMain,
} from '../../lib/commands/cli';
import { mean } from '../../lib/metrics/summary';

interface Options {
  blackBox: string;
  images: string;
  iterations: string;
  tv: string;
  area: string;
  minKept: string;
  out: string;
}

async function main(): Promise<void> {
  const opts = program(
    'Grid over the TV and area weights of the saliency objective, with iterative masks',
  )
    .option('--black-box <name>', 'black box the masks explain', 'residual')
    .option('--images <n>', 'training images', '32')
    .option('--iterations <n>', 'iterative-mask steps per setting', '150')
    .option('--tv <list>', 'λ1 values', '1,3,10')
    .option('--area <list>', 'λ2 values', '0.5,1,2,4')
    .option('--min-kept <p>', 'lowest acceptable mean f_c(Φ(X, M))', '0.6')
    .option('--out <file>', 'results file', path.join(RESULTS_DIR, 'maskers', 'calibration.json'))
    .parse()
    .opts<Options>();
  const blackBoxName = parseChoice(opts.blackBox, ARCHITECTURE_NAMES, '--black-box');
  const n = parsePositiveInteger(opts.images, '--images');
  const iterations = parsePositiveInteger(opts.iterations, '--iterations');
  const tvValues = parseNumberList(opts.tv, '--tv', NON_NEGATIVE_NUMBER);
  const areaValues = parseNumberList(opts.area, '--area', NON_NEGATIVE_NUMBER);
  const minKept = parseNumber(opts.minKept, '--min-kept', FRACTION);
  checkOutputPath(opts.out, '--out', 'file');
  const startedAt = new Date();
  await initEngine();
  const { blackBox, dispose } = await loadKitBlackBox(blackBoxName);
  const data = new ClutteredFashionMnist({ split: 'train' });
  const { images, labels, boxes } = data.batch(0, n);
  const classes = Array.from(labels);
  const [h, w] = blackBox.inputSize;
  const boxFraction = mean(boxes.map((b) => ((b.x1 - b.x0) * (b.y1 - b.y0)) / (h * w)));
  const regions = boxRegions(boxes, h, w);
  const blurred = alternativeImages(images, { kind: 'blur' });
  const fullProbability = mean(
    Array.from(tf.tidy(() => classProbability(blackBox.predict(images), classes)).dataSync()),
  );

  // Paper values first (reference), then the grid.
  const settings: ObjectiveLambdas[] = [{ ...PAPER_LAMBDAS }];
  for (const tv of tvValues)
    for (const area of areaValues) settings.push({ ...PAPER_LAMBDAS, tv, area });
  const rows = [];
  for (const lambdas of settings) {
    const t0 = performance.now();
    const masks = await iterativeMask(blackBox, images, classes, {
      iterations,
      objective: { lambdas },
    });
    const [kept, removed] = tf.tidy(() =>
      [
        removeEvidence(images, masks, blurred),
        removeEvidence(images, tf.sub(1, masks) as tf.Tensor4D, blurred),
      ].map((x) => Array.from(classProbability(blackBox.predict(x), classes).dataSync())),
    );
    const areas = Array.from(tf.tidy(() => tf.mean(masks, [1, 2, 3]).dataSync()));
    const row = {
      lambdas,
      meanArea: mean(areas),
      meanKeptProbability: mean(kept),
      meanRemovedProbability: mean(removed),
      massInsideBox: mean(massInside(masks, regions)),
      seconds: (performance.now() - t0) / 1000,
    };
    masks.dispose();
    rows.push(row);
    console.log(
      `tv ${lambdas.tv} area ${lambdas.area}: mask area ${row.meanArea.toFixed(3)} (box ${boxFraction.toFixed(3)}), ` +
        `kept p ${row.meanKeptProbability.toFixed(3)}, removed p ${row.meanRemovedProbability.toFixed(3)}, in box ${row.massInsideBox.toFixed(3)}, ${row.seconds.toFixed(0)} s`,
    );
  }
  const eligible = rows.filter((r) => r.meanKeptProbability >= minKept);
  const chosen = eligible.reduce<(typeof rows)[number] | undefined>(
    (best, r) =>
      !best || Math.abs(r.meanArea - boxFraction) < Math.abs(best.meanArea - boxFraction)
        ? r
        : best,
    undefined,
  );
  tf.dispose([images, blurred]);
  dispose();
  writeJsonAtomic(opts.out, {
    blackBox: blackBoxName,
    images: n,
    iterations,
    method:
      'iterative masks (defaults: Adam lr 0.05, 16×16 mask, random-mix A), true classes, first training images',
    meanBoxFraction: boxFraction,
    fullImageProbability: fullProbability,
    rule: `among settings with mean kept probability >= ${minKept}, mean mask area closest to the mean box fraction`,
    chosen: chosen?.lambdas ?? null,
    rows,
    run: runMetadata(startedAt),
  });
  console.log(
    chosen ? `chosen: ${JSON.stringify(chosen.lambdas)}` : `no setting kept p >= ${minKept}`,
  );
}

runMain(main);
