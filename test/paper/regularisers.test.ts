import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { averageArea, totalVariation } from '../../lib/paper/regularisers';
import { expectNoLeak, finiteDifferences, maxRelativeError } from '../helpers/tiny-black-box';

describe('regularisers', () => {
  // Across: row 0 gives (0−1)² + (1−0)² = 2, rows 1 and 2 give 0.
  // Down: column 0 gives 0 + 1, column 1 gives 1 + 1, column 2 gives 0 + 1: 4.
  // Sum 6 over 3·2 + 2·3 = 12 difference terms.
  const mask3 = [0, 1, 0, 0, 0, 0, 1, 1, 1];

  it('TV of a 3×3 mask by hand: sum 6, mean 6/12', () => {
    const m = tf.tensor4d([...mask3, ...new Array(9).fill(0.5)], [2, 3, 3, 1]);
    const sum = totalVariation(m, { normalisation: 'sum' });
    const mean = totalVariation(m);
    expect(sum.shape).to.deep.equal([2]);
    expect(Array.from(sum.dataSync())).to.deep.equal([6, 0]);
    expect(mean.dataSync()[0]).to.be.closeTo(0.5, 1e-7);
    tf.dispose([m, sum, mean]);
  });

  it('TV of 1-pixel masks and of single rows', () => {
    const dot = tf.ones([1, 1, 1, 1]) as tf.Tensor4D;
    const row = tf.tensor4d([0, 1, 1], [1, 1, 3, 1]);
    const tvDot = totalVariation(dot);
    const tvRow = totalVariation(row);
    expect(tvDot.dataSync()[0]).to.equal(0);
    expect(tvRow.dataSync()[0]).to.be.closeTo(0.5, 1e-7); // 1 over 2 terms
    tf.dispose([dot, row, tvDot, tvRow]);
  });

  it('AV is the mean of each mask', () => {
    const m = tf.tensor4d([...mask3, ...new Array(9).fill(0.5)], [2, 3, 3, 1]);
    const av = averageArea(m);
    expect(av.dataSync()[0]).to.be.closeTo(4 / 9, 1e-7);
    expect(av.dataSync()[1]).to.be.closeTo(0.5, 1e-7);
    tf.dispose([m, av]);
  });

  it('TV (both normalisations) and AV have finite-difference gradients', () => {
    const m = tf.randomUniform([2, 3, 4, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const weights = tf.tensor1d([0.7, -1.3]);
    const fns = [
      (x: tf.Tensor) =>
        tf.sum(
          tf.mul(totalVariation(x as tf.Tensor4D, { normalisation: 'sum' }), weights),
        ) as tf.Scalar,
      (x: tf.Tensor) => tf.sum(tf.mul(totalVariation(x as tf.Tensor4D), weights)) as tf.Scalar,
      (x: tf.Tensor) => tf.sum(tf.mul(averageArea(x as tf.Tensor4D), weights)) as tf.Scalar,
    ];
    for (const f of fns) {
      const grad = tf.grad(f)(m);
      const numeric = finiteDifferences((x) => tf.tidy(() => f(x).dataSync()[0]), m);
      expect(maxRelativeError(grad.dataSync(), numeric)).to.be.below(5e-3);
      grad.dispose();
    }
    tf.dispose([m, weights]);
  });

  it('rejects masks that are not [B, h, w, 1], naming the shape', () => {
    const rgb = tf.zeros([1, 3, 3, 3]) as tf.Tensor4D;
    expect(() => totalVariation(rgb)).to.throw(/\[\*, \*, \*, 1\].*\[1, 3, 3, 3\]/);
    expect(() => averageArea(rgb)).to.throw(/\[1, 3, 3, 3\]/);
    rgb.dispose();
  });

  it('does not leak', () => {
    const m = tf.randomUniform([2, 5, 5, 1]) as tf.Tensor4D;
    const { before, after } = expectNoLeak(() => {
      totalVariation(m).dispose();
      totalVariation(m, { normalisation: 'sum' }).dispose();
      averageArea(m).dispose();
    });
    expect(after).to.equal(before);
    m.dispose();
  });
});

describe('regularisers input checks', () => {
  const fill = (shape: [number, number, number, number], value: number) =>
    tf.fill(shape, value) as tf.Tensor4D;

  it('reject NaN and out-of-range masks, naming the function and [0, 1]', () => {
    const nan = fill([1, 3, 3, 1], NaN);
    const five = fill([1, 3, 3, 1], 5);
    const minus = fill([1, 3, 3, 1], -3);
    expect(() => totalVariation(nan)).to.throw(
      'totalVariation: masks [1, 3, 3, 1] must lie in [0, 1], got 9 NaN values (of 9)',
    );
    expect(() => averageArea(five)).to.throw(
      'averageArea: masks [1, 3, 3, 1] must lie in [0, 1], got values in [5, 5]',
    );
    expect(() => averageArea(minus)).to.throw(
      'averageArea: masks [1, 3, 3, 1] must lie in [0, 1], got values in [-3, -3]',
    );
    tf.dispose([nan, five, minus]);
  });

  it('reject masks without pixels and an unknown TV normalisation', () => {
    const noPixel = fill([1, 0, 3, 1], 0.5);
    const ok = fill([1, 3, 3, 1], 0.5);
    expect(() => averageArea(noPixel)).to.throw(
      'averageArea: masks [1, 0, 3, 1] have no pixel; h and w must be >= 1',
    );
    expect(() => totalVariation(ok, { normalisation: 'max' as 'sum' })).to.throw(
      'totalVariation: unknown normalisation "max"; use mean or sum',
    );
    tf.dispose([noPixel, ok]);
  });

  it('give [0] for an empty batch, and skip the value check with checkRange: false', () => {
    const none = fill([0, 3, 3, 1], 0.5);
    const five = fill([1, 3, 3, 1], 5);
    const [tv, area, unchecked] = [
      totalVariation(none),
      averageArea(none),
      averageArea(five, { checkRange: false }),
    ];
    expect(tv.shape).to.deep.equal([0]);
    expect(area.shape).to.deep.equal([0]);
    expect(unchecked.dataSync()[0]).to.equal(5);
    tf.dispose([none, five, tv, area, unchecked]);
  });
});
