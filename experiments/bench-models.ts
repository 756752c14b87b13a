/**
 * Model benchmark (issue: engine speed). For the kit's residual black box
 * (and each other architecture with --archs): images/s of inference, of a
 * training step (Adam on all weights) and of an input-gradient step
 * (∂ log p_c / ∂ images, what iterative masks do), side by side in one run
 * per engine, plus the per-kernel profile of a training step.
 * Writes results/bench-models.json.
 *
 *   npx ts-node --transpile-only experiments/bench-models.ts --engines wasm,cpu
 */
import { Command } from 'commander';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { EngineName, initEngine } from '../lib/engine/backend';
import { timeTensorWork } from '../lib/engine/timing';
import { kernelProfile } from '../lib/engine/profile';
import { ArchitectureName } from '../lib/models/architecture';
import { buildArchitecture } from '../lib/models/architectures';
import { logitsModel } from '../lib/models/architecture';
import { modelCost } from '../lib/models/model-cost';
import { ScheduledAdam } from '../lib/models/scheduled-adam';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../lib/results';
import { runMain } from '../lib/cli';

interface Options { engines: string; archs: string; batch: string; seconds: string; out: string }

async function benchArchitecture(arch: ArchitectureName, batch: number, seconds: number) {
  const model = buildArchitecture(arch, { seed: 0 });
  const logits = logitsModel(model);
  const optimizer = new ScheduledAdam(1e-3);
  const images = tf.randomUniform([batch, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10);
  const timing = { minSeconds: seconds };

  const inference = timeTensorWork(() => model.predict(images) as tf.Tensor, timing);
  const trainStep = () => optimizer.minimize(
    () => tf.losses.softmaxCrossEntropy(labels, logits.predict(images) as tf.Tensor), true) as tf.Scalar;
  const training = timeTensorWork(trainStep, timing);
  const inputGradient = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.logSoftmax(logits.predict(x) as tf.Tensor2D), labels)));
  const gradient = timeTensorWork(() => inputGradient(images), timing);
  const profile = await kernelProfile(trainStep);

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
  };
}

async function main() {
  const opts = new Command()
    .option('--engines <list>', 'engines to measure', 'wasm,cpu')
    .option('--archs <list>', 'architectures', 'residual')
    .option('--batch <n>', 'batch size', '32')
    .option('--seconds <s>', 'minimum seconds per measurement', '3')
    .option('--out <file>', 'results file', path.join(RESULTS_DIR, 'bench-models.json'))
    .parse()
    .opts<Options>();
  const started = new Date();
  const rows = [];
  for (const engine of opts.engines.split(',') as EngineName[]) {
    await initEngine({ engine });
    for (const arch of opts.archs.split(',') as ArchitectureName[]) {
      console.log(`${engine}: ${arch} ...`);
      const row = { engine, ...(await benchArchitecture(arch, Number(opts.batch), Number(opts.seconds))) };
      rows.push(row);
      console.log(`  inference ${row.inferenceImagesPerSec.toFixed(0)} img/s, training step ${row.trainStepImagesPerSec.toFixed(0)} img/s ` +
        `(${row.trainOverInference.toFixed(2)}× inference), input gradient ${row.inputGradientImagesPerSec.toFixed(0)} img/s ` +
        `(${row.inputGradientOverInference.toFixed(2)}×)`);
      console.log('  training-step profile: ' + row.trainStepProfile.slice(0, 8)
        .map((k) => `${k.kernel} ${(100 * k.share).toFixed(0)}%`).join(', '));
    }
  }
  writeJsonAtomic(opts.out, {
    meta: runMetadata(started),
    config: { batch: Number(opts.batch), inputSize: [64, 64, 3], minSeconds: Number(opts.seconds), optimizer: 'adam 1e-3' },
    results: rows,
  });
  console.log(`wrote ${path.relative(process.cwd(), opts.out)}`);
}

runMain(main);
