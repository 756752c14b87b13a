/**
 * Model benchmark (issue: engine speed). For the kit's residual black box
 * (and each other architecture with --archs): images/s of inference, of a
 * training step (Adam on all weights) and of an input-gradient step
 * (∂ log p_c / ∂ images, what iterative masks do), side by side in one run
 * per engine, plus the per-kernel profile (`tf.profile`, top 12 kernels) of
 * each of the three. With --masker (default), the trained masker too:
 * masks/s of its forward pass (and its profile) and images/s of its training
 * step (`trainMasker` on fixed images: the masker's forward and backward
 * passes and the black box's, twice, for Φ(X, M) and Φ(X, 1 − M)).
 * Writes results/bench-models.json.
 *
 *   npx ts-node --transpile-only experiments/bench/bench-models.ts --engines wasm,cpu
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ENGINE_PREFERENCE, initEngine } from '../../lib/engine/backend';
import { timeTensorWork } from '../../lib/engine/timing';
import { kernelProfile } from '../../lib/engine/profile';
import { ArchitectureName, ARCHITECTURE_NAMES } from '../../lib/classifiers/architecture';
import { buildArchitecture } from '../../lib/classifiers/architectures';
import { logitsModel } from '../../lib/classifiers/architecture';
import { modelCost } from '../../lib/classifiers/model-cost';
import { residualEncoder } from '../../lib/encoders/residual-net-encoder';
import { ENCODER_BLACK_BOX, loadTrainedMasker } from '../../lib/masker/masker-assets';
import { loadKitBlackBox } from '../../lib/classifiers/kit-black-boxes';
import { trainMasker } from '../../lib/masker/train-masker';
import { ScheduledAdam } from '../../lib/classifiers/scheduled-adam';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import {
  checkOutputPath,
  parseChoiceList,
  parseNumber,
  parsePositiveInteger,
  POSITIVE_NUMBER,
  program,
  runMain,
} from '../../lib/commands/cli';

interface Options {
  engines: string;
  archs: string;
  batch: string;
  seconds: string;
  masker: boolean;
  out: string;
}

/** Training steps timed per masker measurement, after as many to warm up. */
const MASKER_STEPS = 10;

async function benchMasker(batch: number, seconds: number) {
  const { blackBox, model } = await loadKitBlackBox(ENCODER_BLACK_BOX);
  const { masker } = await loadTrainedMasker(ENCODER_BLACK_BOX);
  const images = tf.randomUniform([batch, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const classes = Array.from({ length: batch }, (_, i) => i % 10);
  const predict = () => {
    const out = masker.predict(images, classes);
    tf.dispose([out.lowResMask, out.gates]);
    return out.mask;
  };
  const inference = timeTensorWork(predict, { minSeconds: seconds });
  const inferenceProfile = await kernelProfile(predict);
  const data = () => ({ images: tf.clone(images), labels: classes });
  const train = (steps: number) =>
    trainMasker(blackBox, residualEncoder(model), { steps, batchSize: batch }, { data });
  (await train(MASKER_STEPS)).masker.dispose();
  const timed = await train(MASKER_STEPS);
  timed.masker.dispose();
  images.dispose();
  return {
    masksPerSec: (batch * 1000) / inference.meanMs,
    trainStepImagesPerSec: batch * timed.stepsPerSecond,
    trainStepOverInference: 1000 / timed.stepsPerSecond / inference.meanMs,
    inferenceProfile: inferenceProfile.slice(0, 12),
  };
}

async function benchArchitecture(arch: ArchitectureName, batch: number, seconds: number) {
  const model = buildArchitecture(arch, { seed: 0 });
  const logits = logitsModel(model);
  const optimizer = new ScheduledAdam(1e-3);
  const images = tf.randomUniform([batch, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i % 10),
      'int32',
    ),
    10,
  );
  const timing = { minSeconds: seconds };

  const predict = () => model.predict(images) as tf.Tensor;
  const inference = timeTensorWork(predict, timing);
  const trainStep = () =>
    optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(labels, logits.predict(images) as tf.Tensor),
      true,
    ) as tf.Scalar;
  const training = timeTensorWork(trainStep, timing);
  const inputGradient = tf.grad((x: tf.Tensor) =>
    tf.sum(tf.mul(tf.logSoftmax(logits.predict(x) as tf.Tensor2D), labels)),
  );
  const gradient = timeTensorWork(() => inputGradient(images), timing);
  const profile = await kernelProfile(trainStep);
  const inferenceProfile = await kernelProfile(predict);
  const inputGradientProfile = await kernelProfile(() => inputGradient(images));

  const cost = modelCost(model);
  tf.dispose([images, labels]);
  optimizer.dispose();
  model.dispose();
  const perSec = (ms: number) => (batch * 1000) / ms;
  return {
    arch,
    params: cost.params,
    mflopsPerImage: cost.flops / 1e6,
    inferenceImagesPerSec: perSec(inference.meanMs),
    trainStepImagesPerSec: perSec(training.meanMs),
    inputGradientImagesPerSec: perSec(gradient.meanMs),
    trainOverInference: training.meanMs / inference.meanMs,
    inputGradientOverInference: gradient.meanMs / inference.meanMs,
    trainStepProfile: profile.slice(0, 12),
    inferenceProfile: inferenceProfile.slice(0, 12),
    inputGradientProfile: inputGradientProfile.slice(0, 12),
  };
}

async function main() {
  const opts = program(
    "Images/s of inference, training and input-gradient steps of the kit's nets and its masker, per engine",
  )
    .option('--engines <list>', 'engines to measure', 'wasm,cpu')
    .option('--archs <list>', 'architectures', 'residual')
    .option('--batch <n>', 'batch size', '32')
    .option('--seconds <s>', 'minimum seconds per measurement', '3')
    .option('--no-masker', 'skip the trained masker')
    .option('--out <file>', 'results file', path.join(RESULTS_DIR, 'bench-models.json'))
    .parse()
    .opts<Options>();
  const engines = parseChoiceList(opts.engines, ENGINE_PREFERENCE, '--engines');
  const archs = parseChoiceList(opts.archs, ARCHITECTURE_NAMES, '--archs');
  const batch = parsePositiveInteger(opts.batch, '--batch');
  const seconds = parseNumber(opts.seconds, '--seconds', POSITIVE_NUMBER);
  checkOutputPath(opts.out, '--out', 'file');
  const started = new Date();
  const rows = [];
  const maskerRows = [];
  for (const engine of engines) {
    await initEngine({ engine });
    if (opts.masker) {
      const row = { engine, ...(await benchMasker(batch, seconds)) };
      maskerRows.push(row);
      console.log(
        `${engine}: masker: ${row.masksPerSec.toFixed(0)} masks/s, training step ${row.trainStepImagesPerSec.toFixed(0)} img/s (${row.trainStepOverInference.toFixed(1)}× its inference)`,
      );
    }
    for (const arch of archs) {
      console.log(`${engine}: ${arch} ...`);
      const row = { engine, ...(await benchArchitecture(arch, batch, seconds)) };
      rows.push(row);
      console.log(
        `  inference ${row.inferenceImagesPerSec.toFixed(0)} img/s, training step ${row.trainStepImagesPerSec.toFixed(0)} img/s ` +
          `(${row.trainOverInference.toFixed(2)}× inference), input gradient ${row.inputGradientImagesPerSec.toFixed(0)} img/s ` +
          `(${row.inputGradientOverInference.toFixed(2)}×)`,
      );
      console.log(
        '  training-step profile: ' +
          row.trainStepProfile
            .slice(0, 8)
            .map((k) => `${k.kernel} ${(100 * k.share).toFixed(0)}%`)
            .join(', '),
      );
    }
  }
  writeJsonAtomic(opts.out, {
    meta: runMetadata(started),
    config: { batch, inputSize: [64, 64, 3], minSeconds: seconds, optimizer: 'adam 1e-3' },
    results: rows,
    masker: maskerRows,
  });
  console.log(`wrote ${path.relative(process.cwd(), opts.out)}`);
}

runMain(main);
