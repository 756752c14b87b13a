import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { kernelProfile } from '../../lib/engine/profile';

describe('engine/fused-ops-under-tape', () => {
  const x = () => tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 31) as tf.Tensor4D;
  const filter = () => tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 32) as tf.Tensor4D;
  const bias = () => tf.randomNormal([4], 0, 1, 'float32', 33) as tf.Tensor1D;

  it('gives the gradients of the plain conv + bias for x, filter and bias', () => {
    const [xs, f, b] = [x(), filter(), bias()];
    const weights = tf.randomNormal([2, 6, 6, 4], 0, 1, 'float32', 34);
    const viaFused = (a: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
      tf.sum(
        tf.mul(
          tf.fused.conv2d({
            x: a as tf.Tensor4D,
            filter: w as tf.Tensor4D,
            strides: 2,
            pad: 'same',
            bias: c,
          }),
          weights.stridedSlice([0, 0, 0, 0], [2, 3, 3, 4], [1, 1, 1, 1]),
        ),
      );
    const viaOps = (a: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
      tf.sum(
        tf.mul(
          tf.add(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), c),
          weights.stridedSlice([0, 0, 0, 0], [2, 3, 3, 4], [1, 1, 1, 1]),
        ),
      );
    const g1 = tf.grads(viaFused)([xs, f, b]);
    const g2 = tf.grads(viaOps)([xs, f, b]);
    g1.forEach((g, i) => {
      const diff = tf.max(tf.abs(tf.sub(g, g2[i]))).dataSync()[0];
      expect(diff).to.be.below(1e-4);
    });
    tf.dispose([xs, f, b, weights, ...g1, ...g2]);
  });

  it('with ReLU or linear, with or without a bias, strided or not: the gradients of the separate ops', () => {
    const weightsFull = tf.randomNormal([2, 6, 6, 4], 0, 1, 'float32', 37);
    const cases: { bias: boolean; strides: number; activation: 'relu' | 'linear' }[] = [
      { bias: true, strides: 1, activation: 'relu' },
      { bias: false, strides: 1, activation: 'relu' },
      { bias: false, strides: 1, activation: 'linear' },
      { bias: true, strides: 2, activation: 'relu' },
    ];
    for (const c of cases) {
      const side = 6 / c.strides;
      const weights = weightsFull.slice([0, 0, 0, 0], [2, side, side, 4]);
      const [xs, f, b] = [x(), filter(), bias()];
      const inputs = c.bias ? [xs, f, b] : [xs, f];
      const conv = (a: tf.Tensor, w: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, c.strides, 'same');
      const viaFused = (...t: tf.Tensor[]) =>
        tf.sum(
          tf.mul(
            tf.fused.conv2d({
              x: t[0] as tf.Tensor4D,
              filter: t[1] as tf.Tensor4D,
              strides: c.strides,
              pad: 'same',
              bias: t[2],
              activation: c.activation,
            }),
            weights,
          ),
        );
      const viaOps = (...t: tf.Tensor[]) => {
        const z = t[2] ? tf.add(conv(t[0], t[1]), t[2]) : conv(t[0], t[1]);
        return tf.sum(tf.mul(c.activation === 'relu' ? tf.relu(z) : z, weights));
      };
      const g1 = tf.grads(viaFused)(inputs);
      const g2 = tf.grads(viaOps)(inputs);
      g1.forEach((g, i) => {
        expect(g.shape, JSON.stringify(c)).to.deep.equal(g2[i].shape);
        const diff = tf.max(tf.abs(tf.sub(g, g2[i]))).dataSync()[0];
        expect(diff, `${JSON.stringify(c)} input ${i}`).to.be.below(1e-4);
      });
      tf.dispose([...inputs, ...g1, ...g2, b, weights]);
    }
    weightsFull.dispose();
  });

  it('runs a ReLU conv under a tape as one FusedConv2D kernel, and does not leak', async () => {
    const [xs, f, b] = [x(), filter(), bias()];
    const inputGrad = tf.grad((a: tf.Tensor) =>
      tf.sum(
        tf.fused.conv2d({
          x: a as tf.Tensor4D,
          filter: f,
          strides: 1,
          pad: 'same',
          bias: b,
          activation: 'relu',
        }),
      ),
    );
    const kernels = (await kernelProfile(() => inputGrad(xs))).map((k) => k.kernel);
    expect(kernels).to.include('FusedConv2D');
    expect(kernels).to.not.include.members(['Conv2D', 'Relu', 'Conv2DBackpropFilter']);
    inputGrad(xs).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) inputGrad(xs).dispose();
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([xs, f, b]);
  });

  it('skips the filter gradient when only the input gradient is asked for', async () => {
    const [xs, f, b] = [x(), filter(), bias()];
    const inputGrad = tf.grad((a: tf.Tensor) =>
      tf.sum(tf.fused.conv2d({ x: a as tf.Tensor4D, filter: f, strides: 1, pad: 'same', bias: b })),
    );
    const kernels = (await kernelProfile(() => inputGrad(xs))).map((k) => k.kernel);
    expect(kernels).to.include('Conv2DBackpropInput');
    expect(kernels).to.not.include('Conv2DBackpropFilter');
    tf.dispose([xs, f, b]);
  });

  it('takes the null bias tfjs-layers passes for a dense layer whose activation it does not fuse (softmax)', () => {
    const dense = tf.layers.dense({
      units: 3,
      activation: 'softmax',
      inputShape: [4],
      kernelInitializer: tf.initializers.randomNormal({ seed: 35 }),
    });
    const model = tf.sequential({ layers: [dense] });
    const [kernel, bias] = dense.getWeights();
    const xs = tf.randomNormal([2, 4], 0, 1, 'float32', 36);
    const pick = tf.oneHot([0, 2], 3);
    const viaLayer = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(model.apply(a) as tf.Tensor, pick)))(
      xs,
    );
    const viaOps = tf.grad((a: tf.Tensor) =>
      tf.sum(
        tf.mul(tf.softmax(tf.add(tf.matMul(a as tf.Tensor2D, kernel as tf.Tensor2D), bias)), pick),
      ),
    )(xs);
    expect(tf.max(tf.abs(tf.sub(viaLayer, viaOps))).dataSync()[0]).to.be.below(1e-6);
    tf.dispose([xs, pick, viaLayer, viaOps]);
    model.dispose();
  });

  it('still runs the fused kernel outside a tape', async () => {
    const [xs, f, b] = [x(), filter(), bias()];
    const kernels = (
      await kernelProfile(() =>
        tf.fused.conv2d({ x: xs, filter: f, strides: 1, pad: 'same', bias: b }),
      )
    ).map((k) => k.kernel);
    expect(kernels).to.include('FusedConv2D');
    tf.dispose([xs, f, b]);
  });
});
