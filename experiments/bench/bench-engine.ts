/**
 * Engine benchmark (issue: foundation). On every engine that starts here:
 * forward conv, filter-gradient and input-gradient GFLOP/s, and images/s of
 * inference and of one SGD training step of a small CNN on 28×28 inputs.
 * Prints a table and writes results/bench-engine.json.
 *
 *   npm run bench                 # all engines that load
 *   npm run bench -- --engines wasm --seconds 2
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ENGINE_PREFERENCE, initEngine } from '../../lib/engine/backend';
import { timeTensorWork } from '../../lib/engine/timing';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { smallCnn } from '../../lib/classifiers/small-cnn';
import {
  checkOutputPath,
  parseChoiceList,
  parseNumber,
  POSITIVE_NUMBER,
  program,
  runMain,
} from '../../lib/commands/cli';

interface ConvShape {
  batch: number;
  size: number;
  cin: number;
  cout: number;
  k: number;
  stride: number;
}

/** A mid-network 3×3 convolution, the bulk of a small CNN's work. */
const CONV: ConvShape = { batch: 8, size: 32, cin: 32, cout: 64, k: 3, stride: 1 };
const CNN_BATCH = 64;

function convFlops({ batch, size, cin, cout, k, stride }: ConvShape): number {
  const out = Math.ceil(size / stride);
  return 2 * batch * out * out * k * k * cin * cout;
}

function benchEngine(seconds: number) {
  const { batch, size, cin, cout, k, stride } = CONV;
  const x = tf.randomNormal([batch, size, size, cin], 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomNormal([k, k, cin, cout], 0, 0.1, 'float32', 2) as tf.Tensor4D;
  const y = tf.conv2d(x, w, stride, 'same');
  const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
  const gflops = (ms: number) => convFlops(CONV) / (ms * 1e6);
  const opts = { minSeconds: seconds };
  const forward = timeTensorWork(() => tf.conv2d(x, w, stride, 'same'), opts);
  const filterGrad = timeTensorWork(
    () =>
      tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides: [stride, stride], pad: 'same', dataFormat: 'NHWC', filterShape: w.shape },
        ) as tf.Tensor,
    opts,
  );
  const inputGrad = timeTensorWork(() => tf.conv2dTranspose(dy, w, x.shape, stride, 'same'), opts);

  const model = smallCnn();
  const optimizer = tf.train.sgd(0.01);
  const images = tf.randomUniform([CNN_BATCH, 28, 28, 1], 0, 1, 'float32', 4);
  const labels = tf.oneHot(tf.randomUniform([CNN_BATCH], 0, 10, 'int32', 5) as tf.Tensor1D, 10);
  const infer = timeTensorWork(() => model.predict(images) as tf.Tensor, opts);
  const train = timeTensorWork(
    () =>
      optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(labels, model.predict(images) as tf.Tensor),
        true,
      ) as tf.Scalar,
    opts,
  );
  tf.dispose([x, w, y, dy, images, labels]);
  model.dispose();
  optimizer.dispose();
  return {
    convForwardGflops: gflops(forward.meanMs),
    convFilterGradGflops: gflops(filterGrad.meanMs),
    convInputGradGflops: gflops(inputGrad.meanMs),
    cnnInferenceImagesPerSec: (CNN_BATCH * 1000) / infer.meanMs,
    cnnTrainStepImagesPerSec: (CNN_BATCH * 1000) / train.meanMs,
  };
}

async function main() {
  const opts = program(
    'Convolution GFLOP/s and small-CNN images/s on every engine that starts here',
  )
    .option('--engines <list>', 'comma-separated engines to try', ENGINE_PREFERENCE.join(','))
    .option('--seconds <s>', 'minimum seconds timed per measurement', '2')
    .option('--out <file>', 'results file', path.join(RESULTS_DIR, 'bench-engine.json'))
    .parse()
    .opts<{ engines: string; seconds: string; out: string }>();
  const engines = parseChoiceList(opts.engines, ENGINE_PREFERENCE, '--engines');
  const seconds = parseNumber(opts.seconds, '--seconds', POSITIVE_NUMBER);
  checkOutputPath(opts.out, '--out', 'file');
  const started = new Date();
  const rows: Record<string, unknown>[] = [];
  const skipped: Record<string, string> = {};
  for (const engine of engines) {
    try {
      await initEngine({ engine });
    } catch (err) {
      skipped[engine] = (err as Error).message;
      console.log(`skip ${engine}: ${(err as Error).message}`);
      continue;
    }
    console.log(`benchmarking ${engine} ...`);
    const t0 = performance.now();
    rows.push({ engine, ...benchEngine(seconds), seconds: (performance.now() - t0) / 1000 });
  }
  console.table(
    rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          typeof v === 'number' ? Number(v.toPrecision(3)) : v,
        ]),
      ),
    ),
  );
  // Training-step speed of every engine relative to the plain wasm and cpu engines (when they ran).
  const speed = (engine: string) =>
    rows.find((r) => r.engine === engine)?.cnnTrainStepImagesPerSec as number | undefined;
  const trainStepSpeedups = Object.fromEntries(
    rows.map((r) => {
      const own = r.cnnTrainStepImagesPerSec as number;
      const over = (base: string) => (speed(base) ? own / speed(base)! : null);
      return [r.engine as string, { overWasm: over('wasm'), overCpu: over('cpu') }];
    }),
  );
  for (const [engine, s] of Object.entries(trainStepSpeedups)) {
    if (engine === 'cpu') continue; // the slowest: nothing to say over itself
    const parts = [
      s.overWasm && engine !== 'wasm' ? `${s.overWasm.toFixed(1)}× wasm` : '',
      s.overCpu ? `${s.overCpu.toFixed(0)}× cpu` : '',
    ].filter(Boolean);
    if (parts.length) console.log(`training step, ${engine}: ${parts.join(', ')}`);
  }
  writeJsonAtomic(opts.out, {
    meta: runMetadata(started),
    config: {
      conv: CONV,
      convGflopPerCall: convFlops(CONV) / 1e9,
      cnnBatch: CNN_BATCH,
      cnnInput: [28, 28, 1],
      minSeconds: seconds,
    },
    results: rows,
    skipped,
    trainStepSpeedups,
  });
  console.log(`wrote ${path.relative(process.cwd(), opts.out)}`);
}

runMain(main);
