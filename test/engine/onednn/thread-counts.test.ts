/**
 * The onednn engine on 1, 2 and 4 threads: the kit's own loops (those of
 * the addon: sums, gradients, Adam, box copies, blur, value summary) and oneDNN's
 * forward and input-gradient convolutions give the same bits on every count;
 * the filter gradient (oneDNN splits its sums by thread) differs in the last
 * bits only; and the addon's kernel tests pass on each count.
 */
import { expect } from 'chai';
import { execFile } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { onOnednnEngine } from '../../helpers/onednn-engine';
import { loadOnednnAddon } from '../../../lib/engine/onednn/addon';
import { engineThreads, setEngineThreads } from '../../../lib/engine/engine-threads';
import { ADAM_UPDATE } from '../../../lib/engine/adam-update';
import { gaussianBlur } from '../../../lib/image/gaussian-blur';
import { valueSummary } from '../../../lib/engine/value-summary';

const COUNTS = [1, 2, 4];
const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The outputs of `run` on each thread count, as plain arrays. */
function onEachCount(run: () => tf.Tensor[]): Float32Array[][] {
  try {
    return COUNTS.map((threads) => {
      setEngineThreads(threads);
      return tf.tidy(run).map((t) => {
        const values = t.dataSync() as Float32Array;
        t.dispose();
        return values;
      });
    });
  } finally {
    setEngineThreads();
  }
}

function maxRelativeDifference(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / (scale || 1);
}

describe('engine/onednn on 1, 2 and 4 threads', function () {
  onOnednnEngine();

  it("gives the same bits from the kit's own loops (row sums, max-pool, ReLU gradients, Adam, box copies, blur, value summary) on every count", () => {
    // Sizes well above the loops' one-thread threshold, so that they do run in parallel.
    const x = tf.randomNormal([16, 32, 32, 24], 0, 1, 'float32', 1);
    const params = {
      value: tf.randomNormal([50000], 0, 1, 'float32', 2),
      gradient: tf.randomNormal([50000], 0, 0.1, 'float32', 3),
      m: tf.randomNormal([50000], 0, 0.01, 'float32', 4),
      v: tf.randomUniform([50000], 0, 1e-3, 'float32', 5),
    };
    const adam = {
      learningRate: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      correction1: 0.1,
      correction2: 0.001,
    };
    const before = tf.memory().numTensors;
    const results = onEachCount(() => [
      tf.sum(x, [0, 1, 2]),
      tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.maxPool(v as tf.Tensor4D, 3, 2, 'same'))))(
        x as tf.Tensor4D,
      ),
      ...(tf.engine().runKernel(ADAM_UPDATE, params, adam) as tf.Tensor[]),
      tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), x)))(tf.neg(x)),
      ...tf.split(x, [5, 19], 3),
      tf.concat([x, tf.neg(x)], 3),
      gaussianBlur(x as tf.Tensor4D, 3),
      tf.tensor1d(Object.values(valueSummary(x))),
    ]);
    expect(tf.memory().numTensors).to.equal(before);
    for (let c = 1; c < COUNTS.length; c++)
      results[c].forEach((values, i) =>
        expect(
          Buffer.from(values.buffer).equals(Buffer.from(results[0][i].buffer)),
          `output ${i}, ${COUNTS[c]} threads`,
        ).to.equal(true),
      );
    tf.dispose([x, ...Object.values(params)]);
  });

  it("gives the same bits from oneDNN's forward and input-gradient convolutions, and the filter gradient to 1e-5", () => {
    const x = tf.randomNormal([16, 32, 32, 24], 0, 1, 'float32', 6) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 24, 48], 0, 0.1, 'float32', 7) as tf.Tensor4D;
    const results = onEachCount(() => {
      const loss = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')));
      return [tf.conv2d(x, w, 2, 'same'), ...tf.grads(loss)([x, w])];
    });
    for (let c = 1; c < COUNTS.length; c++) {
      const [y, dx, dw] = results[c];
      expect(Buffer.from(y.buffer).equals(Buffer.from(results[0][0].buffer))).to.equal(true);
      expect(Buffer.from(dx.buffer).equals(Buffer.from(results[0][1].buffer))).to.equal(true);
      expect(maxRelativeDifference(dw, results[0][2])).to.be.below(1e-5);
    }
    tf.dispose([x, w]);
  });

  it("applies a count fixed in code and returns to the environment's budget", () => {
    const addon = loadOnednnAddon();
    const budget = engineThreads();
    setEngineThreads(3);
    tf.tidy(() => tf.sum(tf.ones([4096, 8]), 0)).dispose();
    expect(addon.threads()).to.equal(3);
    expect(engineThreads()).to.deep.equal({ max: 3, source: 'code', followsFreeCores: false });
    expect(setEngineThreads()).to.deep.equal(budget);
    expect(() => setEngineThreads(0)).to.throw('setEngineThreads(0)');
  });

  it('passes every kernel test of the onednn engine on each count', async function () {
    this.timeout(240000);
    const files = [
      'conv-kernels',
      'sum-kernel',
      'max-pool-grad-kernel',
      'adam-kernel',
      'addon-bounds',
      'kept-filters',
    ]
      .map((name) => path.join('test', 'engine', 'onednn', `${name}.test.ts`))
      .concat(
        ['box-copy-kernels', 'relu-gradient', 'value-summary'].map((name) =>
          path.join('test', 'engine', `${name}.test.ts`),
        ),
        path.join('test', 'image', 'gaussian-blur.test.ts'),
      );
    for (const threads of COUNTS) {
      const outcome = await new Promise<{ code: number; output: string }>((resolve) =>
        execFile(
          process.execPath,
          [
            require.resolve('mocha/bin/mocha'),
            '--no-config',
            '--require',
            'ts-node/register/transpile-only',
            '--require',
            'test/setup.ts',
            '--extension',
            'ts',
            '--timeout',
            '120000',
            ...files,
          ],
          {
            cwd: ROOT,
            env: { ...process.env, SALIENCY_BACKEND: 'onednn', SALIENCY_THREADS: String(threads) },
            maxBuffer: 16 << 20,
          },
          (err, stdout, stderr) =>
            resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr }),
        ),
      );
      expect(outcome.code, `${threads} threads:\n${outcome.output.slice(-3000)}`).to.equal(0);
      expect(outcome.output).to.match(/\d+ passing/);
    }
  });
});
