import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { maskSharpness } from '../../lib/metrics/mask-sharpness';
import { expectNoLeak } from '../helpers/tiny-black-box';

describe('metrics/maskSharpness', () => {
  it('scores hand-made 2×2 masks by their share of decided pixels', () => {
    const masks = tf.tensor4d(
      [
        [0, 1, 1, 0], // binary → 1
        [0.5, 0.5, 0.5, 0.5], // undecided everywhere → 0
        [0.5, 1, 0, 0.3], // two of four undecided → 0.5
        [0.1, 0.9, 0.05, 0.95], // the thresholds themselves count as decided → 1
        [0, 0, 0, 0], // empty is binary too → 1
      ].flat(),
      [5, 2, 2, 1],
    );
    expect(maskSharpness(masks)).to.deep.equal([1, 0, 0.5, 1, 1]);
    masks.dispose();
  });

  it('takes other thresholds', () => {
    const mask = tf.tensor4d([0.2, 0.4, 0.6, 0.8], [1, 2, 2, 1]);
    expect(maskSharpness(mask, { low: 0.3, high: 0.7 })).to.deep.equal([0.5]);
    expect(maskSharpness(mask, { low: 0, high: 1 })).to.deep.equal([0]);
    mask.dispose();
  });

  it('rejects masks with channels and bad thresholds, and does not leak', () => {
    const rgb = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    const mask = tf.zeros([2, 3, 3, 1]) as tf.Tensor4D;
    expect(() => maskSharpness(rgb)).to.throw(
      /masks must have shape \[\*, \*, \*, 1\], got \[1, 2, 2, 3\]/,
    );
    expect(() => maskSharpness(mask, { low: 0.6, high: 0.4 })).to.throw(
      /high must be in \(low = 0.6, 1\], got 0.4/,
    );
    expect(() => maskSharpness(mask, { low: -0.1 })).to.throw(/low must be >= 0, got -0.1/);
    const { before, after } = expectNoLeak(() => maskSharpness(mask));
    expect(after).to.equal(before);
    tf.dispose([rgb, mask]);
  });
});

describe('metrics/maskSharpness input checks', () => {
  it('rejects mask values outside [0, 1] (a 5 used to count as decided) and NaN, and keeps an empty batch empty', () => {
    const five = tf.fill([1, 2, 2, 1], 5) as tf.Tensor4D;
    const nan = tf.tensor4d([0, 1, NaN, 1], [1, 2, 2, 1]);
    const none = tf.zeros([0, 2, 2, 1]) as tf.Tensor4D;
    expect(() => maskSharpness(five)).to.throw(
      'maskSharpness: masks [1, 2, 2, 1] must lie in [0, 1], got values in [5, 5]',
    );
    expect(() => maskSharpness(nan)).to.throw(
      'maskSharpness: masks [1, 2, 2, 1] must lie in [0, 1], got 1 NaN value (of 4)',
    );
    expect(maskSharpness(none)).to.deep.equal([]);
    tf.dispose([five, nan, none]);
  });
});
