/**
 * The ReLU gradient as one kernel: tfjs's bits (zeros, negative zeros and
 * NaNs included) on every engine, one kernel where the engine has it, through
 * ReLU layers and ReLU convolutions, without leaks.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { RELU_GRAD, reluGradient } from '../../lib/engine/relu-gradient';
import { WASM_BACKEND_ENGINES } from '../helpers/engine-requirement';
import { engineInfo } from '../../lib/engine/backend';

const X = [3, -2, 0, -0, NaN, 1e-30, -1e-30, 0.5];
const DY = [1, -1, -2, 4, 5, NaN, NaN, -3];

/** tfjs's own formula, dy · step(x), on the cpu backend. */
async function tfjsFormula(): Promise<Float32Array> {
  const engine = tf.getBackend();
  await tf.setBackend('cpu');
  const out = tf.tidy(() => tf.mul(tf.tensor1d(DY), tf.step(tf.tensor1d(X))).dataSync());
  await tf.setBackend(engine);
  return Float32Array.from(out);
}

const sameBits = (a: Float32Array, b: Float32Array) =>
  expect([...new Uint32Array(a.buffer)]).to.deep.equal([...new Uint32Array(b.buffer)]);

describe('engine: ReLU gradient', () => {
  it("equals tfjs's dy · step(x) bit for bit, through relu and reluGradient", async () => {
    const expected = await tfjsFormula();
    const x = tf.tensor1d(X);
    const dy = tf.tensor1d(DY);
    const [viaGrad] = tf.grads((v: tf.Tensor) => tf.relu(v))([x], dy);
    const direct = reluGradient(dy, x);
    sameBits(Float32Array.from(viaGrad.dataSync()), expected);
    sameBits(Float32Array.from(direct.dataSync()), expected);
    tf.dispose([x, dy, viaGrad, direct]);
  });

  /** Seeded input and filter, and a ReLU convolution whose result `after` reduces to a scalar. */
  const reluConv = (seed: number, after: (y: tf.Tensor) => tf.Tensor) => {
    const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
    const filter = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', seed + 1) as tf.Tensor4D;
    const conv = (v: tf.Tensor) =>
      tf.sum(
        after(
          tf.fused.conv2d({
            x: v as tf.Tensor4D,
            filter,
            strides: 1,
            pad: 'same',
            activation: 'relu',
          }),
        ),
      );
    return { x, filter, conv };
  };

  it('runs as one kernel on the wasm backend engines, through a ReLU convolution too', async function () {
    if (!WASM_BACKEND_ENGINES.includes(engineInfo().engine)) this.skip();
    const { x, filter, conv } = reluConv(3, tf.relu);
    const profile = await tf.profile(() => tf.grad(conv)(x));
    const names = profile.kernels.map((k) => k.name);
    expect(names.filter((n) => n === RELU_GRAD)).to.have.length(2);
    expect(names).not.to.include('Step');
    tf.dispose([x, filter]);
  });

  it('gives the same input gradient as tfjs through a ReLU convolution, without leaks', async () => {
    const { x, filter, conv } = reluConv(5, tf.square);
    const unfused = (v: tf.Tensor) =>
      tf.sum(
        tf.square(
          tf.mul(
            tf.conv2d(v as tf.Tensor4D, filter, 1, 'same'),
            tf.step(tf.conv2d(v as tf.Tensor4D, filter, 1, 'same')),
          ),
        ),
      );
    const a = tf.grad(conv)(x);
    const b = tf.grad(unfused)(x);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).to.be.below(1e-4);
    tf.dispose([a, b]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.grad(conv)(x).dispose();
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([x, filter]);
  });
});
