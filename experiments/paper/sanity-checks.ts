/**
 * The model-randomisation sanity checks of Adebayo et al. (2018) for every
 * registered saliency method on the kit's black boxes
 * (lib/evaluation/sanity-checks.ts): maps for the true class of test images
 * from the trained black box, compared (Spearman's ρ, SSIM) with
 *
 * - the same method run again (its own run-to-run agreement: the ceiling),
 * - the black box with its blocks randomised from the top down, one more at
 *   each step (cascading); the last step has every block random (all at once),
 * - a black box of the same architecture trained briefly on random labels.
 *
 * The masker needs its own reading: it never calls the black box when it
 * makes a mask, so randomising the black box leaves its maps unchanged by
 * construction (reported as `notRetrained`). What the check means for it is
 * to train it again against the randomised black box: masks of a masker
 * trained `--masker-steps` steps against the trained black box are compared
 * with those of one trained the same way against the all-at-once randomised
 * one and against the random-label one, and with one trained against the
 * trained black box from another seed (the retraining's own agreement).
 *
 * Iterative masks and RISE run with the options of the committed evaluation
 * (lib/evaluation/committed-method-options.ts). Slow methods (cost ≥ 1:
 * occlusion, RISE, iterative masks) run on
 * `--slow-images` images and, unless `--slow-cascade`, only at the cascade's
 * first (the logits) and last (all at once) steps.
 *
 * Writes `<out>/<method>__<black box>.json`.
 * Run: npx ts-node --transpile-only experiments/paper/sanity-checks.ts --black-boxes plain
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { fitOnBatches } from '../../lib/classifiers/fit-on-batches';
import { layersWhiteBox } from '../../lib/classifiers/layers-white-box';
import { tfjsModelBlackBox } from '../../lib/classifiers/tfjs-model-black-box';
import type { ArchitectureName } from '../../lib/classifiers/architecture';
import {
  parseNonNegativeInteger,
  parsePositiveInteger,
  program,
  runMain,
} from '../../lib/commands/cli';
import { Random } from '../../lib/core/random';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import { FASHION_MNIST_CLASSES } from '../../lib/data/fashion-mnist';
import { streamIndex, STREAM_TRAIN_ITEMS } from '../../lib/data/planted-bias';
import { residualEncoder } from '../../lib/encoders/residual-net-encoder';
import { initEngine } from '../../lib/engine/backend';
import {
  randomiseLayers,
  saveWeights,
  SimilaritySummary,
  summariseSimilarity,
  weightedBlocks,
} from '../../lib/evaluation/sanity-checks';
import { COMMITTED_METHOD_OPTIONS } from '../../lib/evaluation/committed-method-options';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { ENCODER_BLACK_BOX } from '../../lib/masker/masker-assets';
import { loadKitBlackBox } from '../../lib/classifiers/kit-black-boxes';
import type { Masker } from '../../lib/masker/masker';
import { trainMasker } from '../../lib/masker/train-masker';
import type { BlackBox } from '../../lib/classifiers/black-box';
import type { MethodOptions } from '../../lib/methods/method';
import {
  methodMasks,
  methodSpec,
  prepareMethods,
  saliencyMethodNames,
} from '../../lib/methods/registry';

interface Options {
  blackBoxes: string;
  methods?: string;
  images: string;
  slowImages: string;
  slowCascade?: boolean;
  shuffledSteps: string;
  maskerSteps: string;
  seed: string;
  out: string;
}

function parseArgs(): Options {
  return program('Sanity checks (Adebayo et al. 2018) of the saliency methods')
    .option('--black-boxes <list>', 'comma-separated kit black boxes', 'plain,inception,residual')
    .option('--methods <list>', 'comma-separated method names (default: every saliency method)')
    .option('--images <n>', 'test images of the fast methods (cost 0)', '100')
    .option('--slow-images <n>', 'test images of the slow methods', '12')
    .option(
      '--slow-cascade',
      'run the slow methods at every cascade step, not only the first and last',
    )
    .option(
      '--shuffled-steps <n>',
      'training steps of the random-label black box (batches of 64)',
      '400',
    )
    .option('--masker-steps <n>', 'training steps of each retrained masker (batches of 32)', '300')
    .option('--seed <n>', 'seed of the randomisation and of the random labels', '0')
    .option('--out <dir>', 'output folder', path.join(RESULTS_DIR, 'sanity'))
    .parse()
    .opts<Options>();
}

const log = (message: string) =>
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

/** One method's maps for the images, in batches; the caller disposes the result. */
async function mapsOf(
  method: string,
  blackBox: BlackBox,
  options: MethodOptions,
  images: tf.Tensor4D,
  classes: readonly number[],
  batchSize = 25,
): Promise<tf.Tensor4D> {
  const parts: tf.Tensor4D[] = [];
  try {
    for (let start = 0; start < classes.length; start += batchSize) {
      const end = Math.min(classes.length, start + batchSize);
      const batch = images.slice(start, end - start);
      try {
        parts.push(
          await methodMasks(
            method,
            blackBox,
            { images: batch, classes: classes.slice(start, end) },
            options,
          ),
        );
      } finally {
        batch.dispose();
      }
    }
    return tf.concat(parts);
  } finally {
    tf.dispose(parts);
  }
}

/** A kit architecture trained `steps` steps on labels drawn at random per training item. */
async function randomLabelNet(arch: ArchitectureName, steps: number, seed: number) {
  const passes = Math.ceil((steps * 64) / STREAM_TRAIN_ITEMS) + 1;
  const data = new ClutteredFashionMnist({ split: 'train', length: passes * 60000 });
  const labels = new Random(`random-labels/${seed}`);
  const labelOf = (position: number) => labels.fork(position % STREAM_TRAIN_ITEMS).int(0, 10);
  return fitOnBatches({ arch, steps, seed }, (step) => {
    const positions = Array.from({ length: 64 }, (_, k) => step * 64 + k);
    const b = data.batch(positions.map(streamIndex));
    return { images: b.images, labels: positions.map(labelOf) };
  });
}

async function checkBlackBox(name: ArchitectureName, opts: Options, startedAt: Date) {
  const count = parsePositiveInteger(opts.images, '--images');
  const slowCount = parsePositiveInteger(opts.slowImages, '--slow-images');
  const shuffledSteps = parsePositiveInteger(opts.shuffledSteps, '--shuffled-steps');
  const maskerSteps = parsePositiveInteger(opts.maskerSteps, '--masker-steps');
  const seed = parseNonNegativeInteger(opts.seed, '--seed');
  const methods = opts.methods ? opts.methods.split(',') : saliencyMethodNames();
  methods.forEach((m) => methodSpec(m));
  const slow = (m: string) => methodSpec(m).cost > 0;

  const loaded = await loadKitBlackBox(name);
  const whiteBox = layersWhiteBox(loaded.model, loaded.blackBox);
  const resources = await prepareMethods(methods, { blackBoxName: name });
  const options: MethodOptions = { ...COMMITTED_METHOD_OPTIONS, ...resources.options };
  const test = new ClutteredFashionMnist({ split: 'test' });
  const batch = test.batch(0, Math.max(count, slowCount));
  const classes = Array.from(batch.labels);
  const imagesOf = (m: string) => (slow(m) ? slowCount : count);
  const sliced = new Map<string, tf.Tensor4D>();
  const inputs = (m: string) => {
    const n = imagesOf(m);
    if (!sliced.has(m)) sliced.set(m, batch.images.slice(0, n));
    return { images: sliced.get(m)!, classes: classes.slice(0, n) };
  };
  const maps = async (m: string, bb: BlackBox) =>
    mapsOf(m, bb, options, inputs(m).images, inputs(m).classes);

  const results: Record<string, Record<string, unknown>> = {};
  const original = new Map<string, tf.Tensor4D>();
  const t0 = performance.now();
  for (const m of methods) {
    const a = await maps(m, whiteBox);
    original.set(m, a);
    const again = await maps(m, whiteBox);
    results[m] = { repeat: summariseSimilarity(a, again), cascade: [] };
    again.dispose();
    log(`${name} ${m}: original and repeat done`);
  }

  // Cascading randomisation, top block first; the last step is all at once.
  const blocks = weightedBlocks(loaded.model).reverse();
  const saved = saveWeights(loaded.model);
  let maskerAgainstRandom: Masker | undefined;
  const encoderModel = await loadKitBlackBox(ENCODER_BLACK_BOX);
  const encoder = residualEncoder(encoderModel.model);
  const trainShortMasker = async (bb: BlackBox, maskerSeed: number, label: string) => {
    log(`${name}: masker against the ${label} black box, ${maskerSteps} steps, seed ${maskerSeed}`);
    const r = await trainMasker(bb, encoder, { steps: maskerSteps, seed: maskerSeed });
    return r.masker;
  };
  try {
    for (let k = 0; k < blocks.length; k++) {
      randomiseLayers(loaded.model, blocks[k].layers, seed);
      const last = k === blocks.length - 1;
      for (const m of methods) {
        if (slow(m) && !opts.slowCascade && k !== 0 && !last) continue;
        const b = await maps(m, whiteBox);
        const summary = summariseSimilarity(original.get(m)!, b);
        b.dispose();
        (results[m].cascade as unknown[]).push({
          step: k + 1,
          randomisedBlocks: blocks.slice(0, k + 1).map((x) => x.block),
          ...summary,
        });
        if (last) results[m].allAtOnce = summary;
      }
      log(`${name}: cascade step ${k + 1}/${blocks.length} (${blocks[k].block}) done`);
    }
    if (methods.includes('masker'))
      maskerAgainstRandom = await trainShortMasker(loaded.blackBox, seed, 'randomised');
  } finally {
    saved.restore();
    saved.dispose();
  }

  // A black box trained on random labels.
  log(`${name}: training on random labels, ${shuffledSteps} steps`);
  const shuffled = await randomLabelNet(name, shuffledSteps, seed);
  const shuffledBlackBox = tfjsModelBlackBox(shuffled.model, {
    name: `${name}-random-labels`,
    classNames: FASHION_MNIST_CLASSES,
    checkRange: false,
  });
  const shuffledWhiteBox = layersWhiteBox(shuffled.model, shuffledBlackBox);
  const lastSteps = shuffled.record.slice(-20);
  const shuffledInfo = {
    steps: shuffledSteps,
    batchSize: 64,
    finalTrainAccuracy: lastSteps.reduce((s, r) => s + r.accuracy, 0) / lastSteps.length,
    finalLoss: lastSteps.reduce((s, r) => s + r.loss, 0) / lastSteps.length,
    seconds: shuffled.seconds,
  };
  for (const m of methods) {
    const b = await maps(m, shuffledWhiteBox);
    results[m].shuffledLabels = {
      ...summariseSimilarity(original.get(m)!, b),
      blackBox: shuffledInfo,
    };
    b.dispose();
  }

  // The masker: retrained against each black box.
  if (methods.includes('masker')) {
    const { images: mi, classes: mc } = inputs('masker');
    const maskerMaps = (masker: Masker) =>
      mapsOf('masker', loaded.blackBox, { masker: { masker } }, mi, mc);
    const trained = await trainShortMasker(loaded.blackBox, seed, 'trained');
    const otherSeed = await trainShortMasker(loaded.blackBox, seed + 1, 'trained');
    const againstShuffled = await trainShortMasker(shuffledBlackBox, seed, 'random-label');
    const [a, a2, r, s] = await Promise.all(
      [trained, otherSeed, maskerAgainstRandom!, againstShuffled].map(maskerMaps),
    );
    const committedMaps = original.get('masker')!;
    results.masker.notRetrained = {
      note: 'the masker never calls the black box when it makes a mask: randomising the black box cannot change its maps; the cascade and random-label rows above are this trivial case (the committed masker run on the changed black box)',
    };
    results.masker.retrained = {
      maskerSteps,
      note: `maskers trained ${maskerSteps} steps (batches of 32, the committed recipe otherwise) against each black box, the residual encoder frozen; compared with the one trained against the trained black box (seed ${seed})`,
      otherSeedSameBlackBox: summariseSimilarity(a, a2),
      allAtOnceRandomised: summariseSimilarity(a, r),
      randomLabels: summariseSimilarity(a, s),
      committedVersusShort: summariseSimilarity(committedMaps, a),
    };
    tf.dispose([a, a2, r, s]);
    [trained, otherSeed, maskerAgainstRandom!, againstShuffled].forEach((mk) => mk.dispose());
  }

  for (const m of methods) {
    const full = (
      m === 'masker'
        ? (results.masker.retrained as { allAtOnceRandomised: SimilaritySummary })
            .allAtOnceRandomised
        : results[m].allAtOnce
    ) as SimilaritySummary;
    writeJsonAtomic(path.join(opts.out, `${m}__${name}.json`), {
      method: m,
      blackBox: name,
      images: imagesOf(m),
      imagesAre: `the first ${imagesOf(m)} images of the Cluttered Fashion-MNIST test split, maps for their true class`,
      randomisation:
        'each weight tensor of a randomised layer replaced by Gaussian noise with its mean and standard deviation; blocks from the logits down',
      ...results[m],
      passes: {
        criterion:
          m === 'masker'
            ? 'mean Spearman ρ < 0.2 between maskers retrained against the trained and the all-at-once randomised black box'
            : 'mean Spearman ρ < 0.2 between maps of the trained and the all-at-once randomised black box',
        allAtOnce: full.spearman.mean < 0.2,
      },
      config: {
        count,
        slowCount,
        shuffledSteps,
        maskerSteps,
        seed,
        slowCascade: !!opts.slowCascade,
      },
      seconds: (performance.now() - t0) / 1000,
      run: runMetadata(startedAt),
    });
  }
  tf.dispose([...original.values(), ...sliced.values(), batch.images]);
  shuffled.model.dispose();
  encoderModel.dispose();
  resources.dispose();
  loaded.dispose();
}

async function main(): Promise<void> {
  const opts = parseArgs();
  const startedAt = new Date();
  await initEngine();
  for (const name of opts.blackBoxes.split(',')) {
    if (!['plain', 'inception', 'residual'].includes(name))
      throw new Error(`--black-boxes: unknown black box '${name}'; use plain, inception, residual`);
    await checkBlackBox(name as ArchitectureName, opts, startedAt);
  }
}

runMain(main);
