import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MASK_HEAD_EPSILON, maskHead } from '../../lib/masker/mask-head';
import { expectNoLeak, finiteDifferences, maxRelativeError } from '../helpers/tiny-black-box';

describe('masker/mask-head', () => {
  it('computes (|C0| + ε) / (|C0| + |C1| + 2ε) by hand, 0.5 at 0/0', () => {
    const e = DEFAULT_MASK_HEAD_EPSILON;
    // Pixels (C0, C1): (1, 1), (−3, 1), (0, 2), (0, 0), (2, 0).
    const c = tf.tensor4d([1, 1, -3, 1, 0, 2, 0, 0, 2, 0], [1, 1, 5, 2]);
    const m = maskHead(c);
    expect(m.shape).to.deep.equal([1, 1, 5, 1]);
    const want = [0.5, (3 + e) / (4 + 2 * e), e / (2 + 2 * e), 0.5, (2 + e) / (2 + 2 * e)];
    want.forEach((v, i) => expect(m.dataSync()[i]).to.be.closeTo(v, 1e-6));
    tf.dispose([c, m]);
  });

  it('has finite gradients everywhere, matching finite differences away from 0', () => {
    const zeros = tf.zeros([1, 1, 1, 2]) as tf.Tensor4D;
    const g0 = tf.grad((x: tf.Tensor) => tf.sum(maskHead(x as tf.Tensor4D)))(zeros);
    expect(Array.from(g0.dataSync()).every(Number.isFinite)).to.equal(true);
    const c = tf.tensor4d([0.5, -1.2, 2, 0.3, -0.7, -0.4], [1, 1, 3, 2]);
    const r = tf.tensor4d([1, -2, 0.5], [1, 1, 3, 1]);
    const f = (x: tf.Tensor) => tf.sum(tf.mul(maskHead(x as tf.Tensor4D), r)) as tf.Scalar;
    const g = tf.grad(f)(c);
    const numeric = finiteDifferences((x) => tf.tidy(() => f(x).dataSync()[0]), c, 1e-3);
    expect(maxRelativeError(g.dataSync(), numeric)).to.be.below(5e-3);
    tf.dispose([zeros, g0, c, r, g]);
  });

  it('rejects an input without exactly 2 channels and a bad epsilon', () => {
    const three = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    expect(() => maskHead(three)).to.throw(/\[\*, \*, \*, 2\].*\[1, 2, 2, 3\]/);
    const two = tf.zeros([1, 1, 1, 2]) as tf.Tensor4D;
    expect(() => maskHead(two, 0)).to.throw(/epsilon/);
    tf.dispose([three, two]);
  });

  it('does not leak', () => {
    const c = tf.randomNormal([2, 3, 3, 2]) as tf.Tensor4D;
    const { before, after } = expectNoLeak(() => maskHead(c).dispose());
    expect(after).to.equal(before);
    c.dispose();
  });
});
