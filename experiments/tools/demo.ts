/**
 * A one-minute smoke run of the foundation (`npm run demo`): load
 * Fashion-MNIST from the Debian package, train the small CNN for a short
 * while on the chosen engine, measure its test accuracy, and compute the
 * paper's objective for a full and an empty mask on a few test images.
 * Writes results/demo.json.
 *
 *   npm run demo -- --train-size 12000 --epochs 1 --seed 0
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../lib/engine/backend';
import {
  fashionMnistBatch,
  loadFashionMnist,
  FASHION_MNIST_CLASSES,
} from '../../lib/data/fashion-mnist';
import { smallCnn } from '../../lib/classifiers/small-cnn';
import { BlackBox } from '../../lib/classifiers/black-box';
import { saliencyObjective } from '../../lib/paper/objective';
import { Random } from '../../lib/core/random';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import {
  checkOutputPath,
  parseNonNegativeInteger,
  parsePositiveInteger,
  program,
  runMain,
} from '../../lib/commands/cli';

const LEARNING_RATE = 3e-3;

interface DemoOptions {
  trainSize: string;
  epochs: string;
  batch: string;
  seed: string;
  out: string;
}

async function main() {
  const opts = program(
    'One-minute smoke run: train the small CNN on Fashion-MNIST, test it, and compute the saliency objective',
  )
    .option('--train-size <n>', 'training images', '12000')
    .option('--epochs <n>', 'epochs', '1')
    .option('--batch <n>', 'batch size', '64')
    .option('--seed <n>', 'seed of weights and shuffling', '0')
    .option('--out <file>', 'results file', path.join(RESULTS_DIR, 'demo.json'))
    .parse()
    .opts<DemoOptions>();
  const seed = parseNonNegativeInteger(opts.seed, '--seed');
  const requestedTrainSize = parsePositiveInteger(opts.trainSize, '--train-size');
  const epochs = parsePositiveInteger(opts.epochs, '--epochs');
  const batchSize = parsePositiveInteger(opts.batch, '--batch');
  checkOutputPath(opts.out, '--out', 'file');
  const started = new Date();
  const engine = await initEngine();
  console.log(`engine: ${engine.engine} (${engine.package})`);

  // Stage 1: data from the Debian package.
  const train = loadFashionMnist('train');
  const test = loadFashionMnist('test');
  const trainSize = Math.min(requestedTrainSize, train.count);

  // Stage 2: train the small CNN with Adam on a seeded shuffle.
  const model = smallCnn({ seed });
  const optimizer = tf.train.adam(LEARNING_RATE);
  const random = new Random(seed);
  const t0 = performance.now();
  let lastLoss = NaN;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = random.fork(`epoch-${epoch}`).permutation(train.count).subarray(0, trainSize);
    for (let start = 0; start < trainSize; start += batchSize) {
      const indices = Array.from(order.subarray(start, start + batchSize));
      const images = fashionMnistBatch(train, indices);
      const labels = tf.oneHot(
        indices.map((i) => train.labels[i]),
        10,
      );
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(labels, model.predict(images) as tf.Tensor),
        true,
      ) as tf.Scalar;
      lastLoss = loss.dataSync()[0];
      tf.dispose([images, labels, loss]);
    }
    console.log(`epoch ${epoch + 1}: last batch loss ${lastLoss.toFixed(3)}`);
  }
  const trainSeconds = (performance.now() - t0) / 1000;

  // Stage 3: test accuracy on all 10,000 test images.
  let correct = 0;
  for (let start = 0; start < test.count; start += 500) {
    const indices = Array.from({ length: Math.min(500, test.count - start) }, (_, i) => start + i);
    const images = fashionMnistBatch(test, indices);
    const predicted = tf.tidy(() => (model.predict(images) as tf.Tensor).argMax(1)).dataSync();
    indices.forEach((idx, i) => (correct += Number(predicted[i] === test.labels[idx])));
    images.dispose();
  }
  const accuracy = correct / test.count;
  console.log(
    `test accuracy ${(100 * accuracy).toFixed(1)}% after ${trainSeconds.toFixed(1)} s (${((trainSize * epochs) / trainSeconds).toFixed(0)} images/s)`,
  );

  // Stage 4: the paper's objective L(M) for a full and an empty mask (A = blur).
  const blackBox: BlackBox = {
    name: 'small-cnn',
    inputSize: [28, 28],
    channels: 1,
    classNames: FASHION_MNIST_CLASSES,
    predict: (x) => tf.tidy(() => tf.softmax(model.predict(x) as tf.Tensor2D)),
  };
  const sample = [0, 1, 2, 3];
  const images = fashionMnistBatch(test, sample) as tf.Tensor4D;
  const classes = sample.map((i) => test.labels[i]);
  const objectiveFor = (value: number) => {
    const masks = tf.fill([sample.length, 7, 7, 1], value) as tf.Tensor4D;
    const { loss, terms } = saliencyObjective(blackBox, images, masks, classes, {
      config: { alternative: 'blur' },
    });
    const out = {
      loss: loss.dataSync()[0],
      preserve: Array.from(terms.preserve.dataSync()),
      destroy: Array.from(terms.destroy.dataSync()),
    };
    tf.dispose([masks, loss, ...Object.values(terms)]);
    return out;
  };
  const objective = { fullMask: objectiveFor(1), emptyMask: objectiveFor(0) };
  images.dispose();
  console.log(
    `objective L: full mask ${objective.fullMask.loss.toFixed(3)}, empty mask ${objective.emptyMask.loss.toFixed(3)}`,
  );

  model.dispose();
  optimizer.dispose();
  writeJsonAtomic(opts.out, {
    meta: runMetadata(started),
    config: {
      trainSize,
      epochs,
      batchSize,
      seed,
      optimizer: `adam ${LEARNING_RATE}`,
      model: 'small-cnn',
    },
    testAccuracy: accuracy,
    trainSeconds,
    trainImagesPerSec: (trainSize * epochs) / trainSeconds,
    objective,
  });
  console.log(`wrote ${path.relative(process.cwd(), opts.out)}`);
}

runMain(main);
