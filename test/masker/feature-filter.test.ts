import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { featureFilter } from '../../lib/masker/feature-filter';
import { expectNoLeak, finiteDifferences, maxRelativeError } from '../helpers/tiny-black-box';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('masker/feature-filter', () => {
  it('gates each location by σ(X_ijᵀ C_s), by hand', () => {
    // Two images, 1×2 locations, D = 2; classes 1 and 0.
    const x = tf.tensor4d([1, 2, -1, 0.5, 0, 1, 3, -1], [2, 1, 2, 2]);
    const c = tf.tensor2d([1, 0, 0.5, -1], [2, 2]);
    const { filtered, gates } = featureFilter(x, c, [1, 0]);
    // Image 0 with C_1 = (0.5, −1): z = 0.5 − 2 = −1.5 and −0.5 − 0.5 = −1. Image 1 with C_0 = (1, 0): z = 0 and 3.
    const g = [sigmoid(-1.5), sigmoid(-1), sigmoid(0), sigmoid(3)];
    expect(gates.shape).to.deep.equal([2, 1, 2, 1]);
    g.forEach((v, i) => expect(gates.dataSync()[i]).to.be.closeTo(v, 1e-6));
    const xs = [1, 2, -1, 0.5, 0, 1, 3, -1];
    xs.forEach((v, i) =>
      expect(filtered.dataSync()[i]).to.be.closeTo(v * g[Math.floor(i / 2)], 1e-6),
    );
    tf.dispose([x, c, filtered, gates]);
  });

  it('has the finite-difference gradient with respect to the embeddings', () => {
    const x = tf.randomNormal([3, 2, 2, 4], 0, 1, 'float32', 31) as tf.Tensor4D;
    const c = tf.randomNormal([5, 4], 0, 0.5, 'float32', 32) as tf.Tensor2D;
    const f = (e: tf.Tensor) =>
      tf.tidy(() => {
        const { filtered, gates } = featureFilter(x, e as tf.Tensor2D, [4, 0, 4]);
        return tf.add(tf.sum(tf.sin(filtered)), tf.sum(tf.max(gates, [1, 2, 3]))) as tf.Scalar;
      });
    const g = tf.grad(f)(c);
    const numeric = finiteDifferences((e) => f(e).dataSync()[0], c, 1e-3);
    expect(maxRelativeError(g.dataSync(), numeric)).to.be.below(1e-2);
    tf.dispose([x, c, g]);
  });

  it("gives the one-hot product's values and gradients bit for bit (the committed maskers were trained with it)", () => {
    const x = tf.randomNormal([4, 2, 3, 6], 0, 1, 'float32', 41) as tf.Tensor4D;
    const c = tf.randomNormal([5, 6], 0, 0.5, 'float32', 42) as tf.Tensor2D;
    const classes = [3, 0, 3, 1];
    const viaProduct = (e: tf.Tensor) =>
      tf.tidy(() => {
        const chosen = tf.matMul(tf.oneHot(tf.tensor1d(classes, 'int32'), 5), e as tf.Tensor2D);
        const gates = tf.sigmoid(tf.sum(tf.mul(x, tf.reshape(chosen, [4, 1, 1, 6])), 3, true));
        return tf.add(
          tf.sum(tf.sin(tf.mul(x, gates))),
          tf.sum(tf.max(gates, [1, 2, 3])),
        ) as tf.Scalar;
      });
    const viaFilter = (e: tf.Tensor) =>
      tf.tidy(() => {
        const { filtered, gates } = featureFilter(x, e as tf.Tensor2D, classes);
        return tf.add(tf.sum(tf.sin(filtered)), tf.sum(tf.max(gates, [1, 2, 3]))) as tf.Scalar;
      });
    const [a, b] = [viaProduct, viaFilter].map((f) => tf.valueAndGrad(f)(c));
    expect(b.value.dataSync()[0]).to.equal(a.value.dataSync()[0]);
    expect(Array.from(b.grad.dataSync())).to.deep.equal(Array.from(a.grad.dataSync()));
    tf.dispose([x, c, a.value, a.grad, b.value, b.grad]);
  });

  it('rejects a mismatched embedding size and an out-of-range class', () => {
    const x = tf.zeros([2, 2, 2, 4]) as tf.Tensor4D;
    const wrong = tf.zeros([3, 5]) as tf.Tensor2D;
    const c = tf.zeros([3, 4]) as tf.Tensor2D;
    expect(() => featureFilter(x, wrong, [0, 1])).to.throw(/\[\*, 4\].*\[3, 5\]/);
    expect(() => featureFilter(x, c, [0, 3])).to.throw(/3 .*out of range.*3 classes/);
    expect(() => featureFilter(x, c, [0])).to.throw(/classes has 1/);
    tf.dispose([x, wrong, c]);
  });

  it('does not leak', () => {
    const x = tf.randomNormal([2, 2, 2, 4]) as tf.Tensor4D;
    const c = tf.randomNormal([3, 4]) as tf.Tensor2D;
    const { before, after } = expectNoLeak(() => {
      const { filtered, gates } = featureFilter(x, c, [0, 2]);
      tf.dispose([filtered, gates]);
    });
    expect(after).to.equal(before);
    tf.dispose([x, c]);
  });
});
