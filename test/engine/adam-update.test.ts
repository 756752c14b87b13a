/** The fused Adam step against tfjs's AdamOptimizer, on wasm and cpu. */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE, ADAM_UPDATE_BACKENDS, hasAdamUpdate } from '../../lib/engine/adam-update';
import { BETA_POWER_NAMES, ScheduledAdam } from '../../lib/classifiers/scheduled-adam';
import { skipUnlessEngine, WASM_BACKEND_ENGINES } from '../helpers/engine-requirement';

/** A small least-squares problem with two variables; returns the weights after `steps` steps of `optimizer`. */
function train(
  optimizer: tf.Optimizer,
  steps: number,
  rate?: (step: number) => number,
): number[][] {
  const w = tf.variable(
    tf.tensor2d([
      [0.5, -1],
      [2, 0.1],
      [-0.3, 0.7],
    ]),
    true,
    'adam-test/w',
  );
  const b = tf.variable(tf.tensor1d([0.2, -0.2]), true, 'adam-test/b');
  const x = tf.tensor2d([
    [1, 2, 3],
    [-1, 0.5, 2],
    [0, -2, 1],
    [3, 1, -1],
  ]);
  const y = tf.tensor2d([
    [1, 0],
    [0, 1],
    [1, 1],
    [-1, 2],
  ]);
  for (let s = 0; s < steps; s++) {
    if (rate) (optimizer as ScheduledAdam).setLearningRate(rate(s));
    optimizer.minimize(
      () => tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar,
      false,
      [w, b],
    );
  }
  const out = [Array.from(w.dataSync()), Array.from(b.dataSync())];
  tf.dispose([w, b, x, y]);
  return out;
}

function maxRelativeDiff(a: number[][], b: number[][]): number {
  const x = a.flat();
  const y = b.flat();
  return Math.max(...x.map((v, i) => Math.abs(v - y[i]) / Math.max(Math.abs(y[i]), 1e-6)));
}

describe('engine/adam-update', () => {
  let start: string;
  before(() => (start = tf.getBackend()));
  afterEach(async () => {
    await tf.setBackend(start);
  });

  for (const backend of ADAM_UPDATE_BACKENDS) {
    it(`matches tfjs's AdamOptimizer step for step on ${backend}, with a changing learning rate`, async function () {
      // The cpu backend is there on every engine; the wasm one only on the engines that run on it.
      if (backend === 'wasm') skipUnlessEngine(this, WASM_BACKEND_ENGINES);
      await tf.setBackend(backend);
      const ours = new ScheduledAdam(0.05); // registers the kernel
      expect(hasAdamUpdate()).to.equal(true);
      const reference = tf.train.adam(0.05, 0.9, 0.999, 1e-7);
      const rates = [0.05, 0.05, 0.02, 0.01, 0.01, 0.005];
      // tfjs's optimizer cannot change its rate: compare at a constant rate, then check a changing one moves differently.
      expect(maxRelativeDiff(train(ours, 6), train(reference, 6))).to.be.below(1e-5);
      const scheduled = train(new ScheduledAdam(0.05), 6, (s) => rates[s]);
      expect(
        maxRelativeDiff(scheduled, train(tf.train.adam(0.05, 0.9, 0.999, 1e-7), 6)),
      ).to.be.above(1e-3);
      reference.dispose();
      ours.dispose();
    });
  }

  it("keeps tfjs's state plus the running β powers: weights restored into a fresh optimizer continue exactly as an uninterrupted run", async () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]), true, 'adam-test/resume');
    const loss = () => tf.sum(tf.square(tf.sub(w, tf.tensor1d([0.5, 0.5, 0.5])))) as tf.Scalar;
    const first = new ScheduledAdam(0.1);
    // After 5 steps the running product β2·…·β2 differs in its last bit from pow(β2, 6), which tfjs's setWeights would recompute.
    for (let i = 0; i < 5; i++) first.minimize(loss, false, [w]);
    const saved = await first.getWeights();
    expect(saved.map((s) => s.name)).to.deep.equal([
      'iter',
      'adam-test/resume/m',
      'adam-test/resume/v',
      BETA_POWER_NAMES.beta1,
      BETA_POWER_NAMES.beta2,
    ]);
    const savedCopies = saved.map((s) => ({ name: s.name, tensor: tf.clone(s.tensor) }));
    const atSave = tf.clone(w);
    for (let i = 0; i < 2; i++) first.minimize(loss, false, [w]);
    const uninterrupted = Array.from(w.dataSync());
    w.assign(atSave);
    const resumed = new ScheduledAdam(0.1);
    await resumed.setWeights(savedCopies);
    for (let i = 0; i < 2; i++) resumed.minimize(loss, false, [w]);
    expect(Array.from(w.dataSync())).to.deep.equal(uninterrupted);
    tf.dispose([w, atSave, ...savedCopies.map((s) => s.tensor)]);
    first.dispose();
    resumed.dispose();
  });

  it("loads weights without β powers (tfjs's Adam, checkpoints older than them) with powers recomputed from the iteration count", async () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]), true, 'adam-test/old-format');
    const reference = tf.train.adam(0.1, 0.9, 0.999, 1e-7);
    for (let i = 0; i < 5; i++)
      reference.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w]);
    const saved = await reference.getWeights();
    const resumed = new ScheduledAdam(0.1);
    await resumed.setWeights(saved);
    const restored = await resumed.getWeights();
    expect(restored.map((s) => s.name)).to.deep.equal([
      'iter',
      'adam-test/old-format/m',
      'adam-test/old-format/v',
      BETA_POWER_NAMES.beta1,
      BETA_POWER_NAMES.beta2,
    ]);
    expect(restored[0].tensor.dataSync()[0]).to.equal(5);
    const powers = [tf.pow(0.9, 6), tf.pow(0.999, 6)];
    expect([restored[3], restored[4]].map((s) => s.tensor.dataSync()[0])).to.deep.equal(
      powers.map((p) => p.dataSync()[0]),
    );
    tf.dispose([w, saved[0].tensor, restored[0].tensor, ...powers]);
    reference.dispose();
    resumed.dispose();
  });

  it('does not leak over repeated steps', () => {
    const w = tf.variable(tf.randomNormal([4, 3]), true, 'adam-test/leak');
    const optimizer = new ScheduledAdam(0.01);
    const step = () =>
      tf.dispose(
        optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, true, [w]) as tf.Scalar,
      );
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).to.equal(before);
    w.dispose();
    optimizer.dispose();
  });

  it('names the input whose shape differs from the variable', () => {
    const [value, m, v] = [tf.zeros([2, 2]), tf.zeros([2, 2]), tf.zeros([2, 2])];
    const gradient = tf.zeros([4]);
    const attrs = {
      learningRate: 0.1,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      correction1: 0.1,
      correction2: 0.001,
    };
    expect(() => tf.engine().runKernel(ADAM_UPDATE, { value, gradient, m, v }, attrs)).to.throw(
      /gradient has shape \[4\], the variable \[2, 2\]/,
    );
    tf.dispose([value, m, v, gradient]);
  });
});
