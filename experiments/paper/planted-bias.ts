/**
 * Finding a planted bias (lib/data/planted-bias.ts, lib/evaluation/planted-bias.ts):
 *
 * 1. Trains a `plain` black box briefly on Cluttered Fashion-MNIST whose
 *    `Shirt` training images carry a small white square in the top-left
 *    corner 9 times in 10 (the biased black box), and, unless `--no-control`,
 *    the same recipe without the cue (the control). Both are saved under
 *    `<out>/black-boxes/` and reused by later runs with the same settings.
 * 2. Measures the black box's reliance on the cue (accuracy and Shirt recall
 *    with and without the cue, other classes called Shirt once the cue is painted).
 * 3. Trains the masker against the biased black box (on the same cued
 *    training stream, the residual encoder frozen as for the committed maskers).
 * 4. For every registered saliency method: maps for `Shirt` on test shirts with
 *    the cue painted; share of the map's mass on the cue's box and on the
 *    item's box, how often its maximum is on the cue or on the item; on the
 *    biased black box and on the control. Iterative masks and RISE run with
 *    the options of the committed evaluation (lib/evaluation/committed-method-options.ts).
 *
 * Writes `<out>/<method>.json` per method and `<out>/black-box.json` (reliance,
 * training records, counts), `<out>/masker-<black box>.json` (the masker's
 * training; the masker itself in `<out>/maskers/<black box>/`, reused like the black boxes).
 *
 * Run: npx ts-node --transpile-only experiments/paper/planted-bias.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { fitOnBatches } from '../../lib/classifiers/fit-on-batches';
import { layersWhiteBox } from '../../lib/classifiers/layers-white-box';
import { ENCODER_BLACK_BOX } from '../../lib/masker/masker-assets';
import { loadKitBlackBox, LoadedBlackBox } from '../../lib/classifiers/kit-black-boxes';
import {
  program,
  parsePositiveInteger,
  parseNonNegativeInteger,
  runMain,
} from '../../lib/commands/cli';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import { FASHION_MNIST_CLASSES } from '../../lib/data/fashion-mnist';
import { PlantedBiasData, streamIndex, STREAM_TRAIN_ITEMS } from '../../lib/data/planted-bias';
import { initEngine } from '../../lib/engine/backend';
import {
  biasedClassIndices,
  cueBoxWithinTolerance,
  CueAttribution,
  cueReliance,
  methodCueAttribution,
} from '../../lib/evaluation/planted-bias';
import { COMMITTED_METHOD_OPTIONS } from '../../lib/evaluation/committed-method-options';
import { fileSystemHandler } from '../../lib/io/file-io-handler';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { Masker } from '../../lib/masker/masker';
import { trainMasker } from '../../lib/masker/train-masker';
import { residualEncoder } from '../../lib/encoders/residual-net-encoder';
import { methodSpec, saliencyMethodNames } from '../../lib/methods/registry';
import { meanInterval, rateInterval } from '../../lib/metrics/interval-summaries';
import { boxArea } from '../../lib/metrics/box';
import { pointingTolerance } from '../../lib/metrics/pointing-game';
import { boxRegions } from '../../lib/metrics/selectivity';

interface Options {
  steps: string;
  batch: string;
  maskerSteps: string;
  images: string;
  slowImages: string;
  relianceImages: string;
  methods?: string;
  control: boolean;
  controlMasker: boolean;
  seed: string;
  out: string;
}

function parseArgs(): Options {
  return program('Plant a bias in a black box and see which saliency methods find it')
    .option('--steps <n>', 'training steps of the biased (and control) black box', '1500')
    .option('--batch <n>', 'images per training step', '64')
    .option('--masker-steps <n>', 'training steps of the masker against each black box', '1000')
    .option('--images <n>', 'test shirts mapped by the fast methods (cost 0)', '500')
    .option(
      '--slow-images <n>',
      'test shirts mapped by the slow methods (occlusion, RISE, iterative masks)',
      '100',
    )
    .option('--reliance-images <n>', 'test images for the reliance measures', '2000')
    .option('--methods <list>', 'comma-separated method names (default: every saliency method)')
    .option('--no-control', 'skip the control black box trained without the cue')
    .option('--no-control-masker', 'skip training a masker against the control black box')
    .option('--seed <n>', 'seed of weights and the cue draw', '0')
    .option('--out <dir>', 'output folder', path.join(RESULTS_DIR, 'bias'))
    .parse()
    .opts<Options>();
}

const log = (message: string) =>
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

/** Trains (or loads, when saved with the same settings) one black box on the stream `rule` gives. */
async function blackBoxFor(
  name: string,
  rule: 'train' | 'none',
  steps: number,
  batch: number,
  seed: number,
  dir: string,
): Promise<{ loaded: LoadedBlackBox; training: unknown; settings: object }> {
  const settings = { arch: 'plain' as const, steps, batchSize: batch, seed, cueRule: rule };
  const recordFile = path.join(dir, `${name}.json`);
  const saved = fs.existsSync(recordFile)
    ? (JSON.parse(fs.readFileSync(recordFile, 'utf8')) as { settings: unknown; training: unknown })
    : undefined;
  if (saved && JSON.stringify(saved.settings) === JSON.stringify(settings)) {
    log(`${name}: reusing ${path.relative(process.cwd(), path.join(dir, name))}`);
    return { loaded: await loadKitBlackBox(name, dir), training: saved.training, settings };
  }
  const passes = Math.ceil((steps * batch) / STREAM_TRAIN_ITEMS) + 1;
  const data = new PlantedBiasData(
    new ClutteredFashionMnist({ split: 'train', length: passes * 60000 }),
    rule,
    { seed },
  );
  log(`${name}: training plain for ${steps} steps of ${batch} (cue rule '${rule}')`);
  const fit = await fitOnBatches(
    { arch: 'plain', steps, seed },
    (step) => {
      const b = data.batch(Array.from({ length: batch }, (_, k) => streamIndex(step * batch + k)));
      return { images: b.images, labels: b.labels };
    },
    (s) => {
      if (s.step % 50 === 0)
        log(
          `${name}: step ${s.step}, loss ${s.loss.toFixed(3)}, batch acc ${s.accuracy.toFixed(3)}`,
        );
    },
  );
  await fit.model.save(fileSystemHandler(path.join(dir, name)));
  fit.model.dispose();
  const training = {
    seconds: fit.seconds,
    imagesPerSecond: (steps * batch) / fit.seconds,
    lastLoss: fit.record[fit.record.length - 1].loss,
    curve: fit.record.filter((s) => s.step % 25 === 0),
  };
  writeJsonAtomic(recordFile, { settings, training, run: runMetadata() });
  return { loaded: await loadKitBlackBox(name, dir), training, settings };
}

/** Mean (or rate), 95 % half-width and count of a list of shares or flags. */
function summary(values: readonly number[] | readonly boolean[]) {
  if (typeof values[0] === 'boolean') {
    const r = rateInterval(values as boolean[]);
    return { mean: r.rate, halfWidth95: r.halfWidth95, count: r.images };
  }
  return { ...meanInterval(values as number[]), count: values.length };
}

function summariseAttribution(a: CueAttribution) {
  const mostOnCue = a.cueMass.map((m) => m > 0.5);
  const mostNearCue = a.cueMassWithinTolerance.map((m) => m > 0.5);
  return {
    cueMass: summary(a.cueMass),
    cueMassWithinTolerance: summary(a.cueMassWithinTolerance),
    mostMassWithinToleranceOfCue: summary(mostNearCue),
    itemMass: summary(a.itemMass),
    maxOnCue: summary(a.maxOnCue),
    maxOnItem: summary(a.maxOnItem),
    mostMassOnCue: summary(mostOnCue),
  };
}

async function main(): Promise<void> {
  const opts = parseArgs();
  const startedAt = new Date();
  await initEngine();
  const steps = parsePositiveInteger(opts.steps, '--steps');
  const batch = parsePositiveInteger(opts.batch, '--batch');
  const maskerSteps = parsePositiveInteger(opts.maskerSteps, '--masker-steps');
  const images = parsePositiveInteger(opts.images, '--images');
  const slowImages = parsePositiveInteger(opts.slowImages, '--slow-images');
  const relianceImages = parsePositiveInteger(opts.relianceImages, '--reliance-images');
  const seed = parseNonNegativeInteger(opts.seed, '--seed');
  const methods = opts.methods ? opts.methods.split(',') : saliencyMethodNames();
  methods.forEach((m) => methodSpec(m));
  const bbDir = path.join(opts.out, 'black-boxes');

  // 1–2. Black boxes and their reliance on the cue.
  const test = new ClutteredFashionMnist({ split: 'test' });
  const cue = { seed };
  const boxes: Record<string, { loaded: LoadedBlackBox; training: unknown; settings: object }> = {
    biased: await blackBoxFor('biased-plain', 'train', steps, batch, seed, bbDir),
  };
  if (opts.control)
    boxes.control = await blackBoxFor('control-plain', 'none', steps, batch, seed, bbDir);
  const reliance = Object.fromEntries(
    Object.entries(boxes).map(([k, bb]) => {
      const r = cueReliance(bb.loaded.blackBox, test, cue, relianceImages);
      log(`${k}: ${JSON.stringify(r)}`);
      return [k, r];
    }),
  );
  const data = new PlantedBiasData(test, 'all', cue);
  const biasedClass = data.cue.biasedClass;
  writeJsonAtomic(path.join(opts.out, 'black-box.json'), {
    cue: {
      ...data.cue,
      className: FASHION_MNIST_CLASSES[biasedClass],
      trainingRule: 'images of the biased class carry it with probability cueRate; no other image',
    },
    reliance,
    training: Object.fromEntries(Object.entries(boxes).map(([k, bb]) => [k, bb.training])),
    config: { arch: 'plain', steps, batchSize: batch, seed, relianceImages },
    run: runMetadata(startedAt),
  });

  // 3. The masker against the biased black box.
  const encoderModel = await loadKitBlackBox(ENCODER_BLACK_BOX);
  const encoder = residualEncoder(encoderModel.model);
  const passes = Math.ceil((maskerSteps * 32) / STREAM_TRAIN_ITEMS) + 1;
  const trainData = new PlantedBiasData(
    new ClutteredFashionMnist({ split: 'train', length: passes * 60000 }),
    'train',
    cue,
  );
  const maskers: Record<string, { masker: Masker }> = {};
  for (const [k, bb] of Object.entries(boxes)) {
    if (!methods.includes('masker')) break;
    if (k === 'control' && !opts.controlMasker) continue;
    const dir = path.join(opts.out, 'maskers', k);
    const recordFile = path.join(opts.out, `masker-${k}.json`);
    const settings = { steps: maskerSteps, seed, blackBox: bb.settings };
    const saved = fs.existsSync(recordFile)
      ? (JSON.parse(fs.readFileSync(recordFile, 'utf8')) as { settings: unknown })
      : undefined;
    if (saved && JSON.stringify(saved.settings) === JSON.stringify(settings)) {
      log(`masker of the ${k} black box: reusing ${path.relative(process.cwd(), dir)}`);
      maskers[k] = { masker: await Masker.restore(encoder, dir) };
      continue;
    }
    log(`masker against the ${k} black box: ${maskerSteps} steps`);
    const trained = await trainMasker(
      bb.loaded.blackBox,
      encoder,
      { steps: maskerSteps, seed },
      {
        data: (positions) => {
          const b = trainData.batch(positions.map(streamIndex));
          return { images: b.images, labels: b.labels };
        },
        onStep: (s) => {
          if (s.step % 100 === 0) log(`masker ${k}: step ${s.step}, loss ${s.loss.toFixed(3)}`);
        },
      },
    );
    await trained.masker.save(dir);
    maskers[k] = { masker: trained.masker };
    writeJsonAtomic(recordFile, {
      settings,
      blackBox: k,
      encoder: 'residual (trained kit net, frozen)',
      trainingData: 'the cued training stream (shirts carry the cue 9 times in 10)',
      trainSeconds: trained.trainSeconds,
      final: trained.curve[trained.curve.length - 1],
      run: runMetadata(startedAt),
    });
  }

  // 4. Each method's maps on cued test shirts.
  const maxCount = Math.max(images, slowImages);
  const shirts = biasedClassIndices(test, biasedClass, maxCount);
  const [h, w] = test.imageSize;
  for (const method of methods) {
    const spec = methodSpec(method);
    const count = Math.min(spec.cost === 0 ? images : slowImages, shirts.length);
    const result: Record<string, unknown> = {};
    const t0 = performance.now();
    for (const [k, bb] of Object.entries(boxes)) {
      if (method === 'masker' && !maskers[k]) continue;
      const whiteBox = layersWhiteBox(bb.loaded.model, bb.loaded.blackBox);
      const options = {
        ...COMMITTED_METHOD_OPTIONS,
        ...(method === 'masker' ? { masker: maskers[k] } : {}),
      };
      const a = await methodCueAttribution(method, whiteBox, options, data, shirts.slice(0, count));
      result[k] = summariseAttribution(a);
      log(
        `${method} on ${k}: cue mass ${(result[k] as ReturnType<typeof summariseAttribution>).cueMass.mean.toFixed(3)}, max on cue ${(result[k] as ReturnType<typeof summariseAttribution>).maxOnCue.mean.toFixed(3)}`,
      );
    }
    writeJsonAtomic(path.join(opts.out, `${method}.json`), {
      method,
      images: count,
      explainedClass: FASHION_MNIST_CLASSES[biasedClass],
      imagesAre: `the first ${count} ${FASHION_MNIST_CLASSES[biasedClass]} images of the Cluttered Fashion-MNIST test split, cue painted`,
      cueBox: data.cue.box,
      cueBoxAreaShare: boxArea(data.cue.box) / (h * w),
      pointingTolerancePx: pointingTolerance(h, w),
      mostMassOnCueMeans: 'share of images whose map puts more than half its mass on the cue box',
      cueMassWithinToleranceMeans:
        'share of map mass inside the cue box grown by the pointing tolerance on every side',
      toleranceBoxAreaShare:
        boxRegions([cueBoxWithinTolerance(data.cue, h, w)], h, w).reduce((s, v) => s + v, 0) /
        (h * w),
      ...result,
      seconds: (performance.now() - t0) / 1000,
      run: runMetadata(startedAt),
    });
  }
  Object.values(maskers).forEach((m) => m.masker.dispose());
  encoderModel.dispose();
  Object.values(boxes).forEach((bb) => bb.loaded.dispose());
}

runMain(main);
