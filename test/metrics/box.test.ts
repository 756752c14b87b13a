import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { boxArea, boxIoU, boxesFromMasks } from '../../lib/metrics/box';
import { expectNoLeak } from '../helpers/tiny-black-box';

describe('metrics/box', () => {
  it('finds the tightest box around mask > 0.5, x1/y1 exclusive, null when empty', () => {
    // Image 0: salient pixels at (row 1, col 2), (row 2, col 1), (row 2, col 3); 0.5 itself is not above.
    const m0 = [0, 0, 0, 0.5, 0, 0, 0.9, 0, 0, 0.6, 0.2, 0.7, 0, 0, 0, 0];
    const m1 = new Array(16).fill(0.4);
    const masks = tf.tensor4d([...m0, ...m1], [2, 4, 4, 1]);
    expect(boxesFromMasks(masks)).to.deep.equal([{ x0: 1, y0: 1, x1: 4, y1: 3 }, null]);
    expect(boxesFromMasks(masks, { threshold: 0.3 })[1]).to.deep.equal({
      x0: 0,
      y0: 0,
      x1: 4,
      y1: 4,
    });
    masks.dispose();
  });

  it('computes areas and IoU by hand', () => {
    const a = { x0: 0, y0: 0, x1: 4, y1: 2 };
    const b = { x0: 2, y0: 0, x1: 6, y1: 2 };
    expect(boxArea(a)).to.equal(8);
    expect(boxIoU(a, b)).to.be.closeTo(4 / 12, 1e-12);
    expect(boxIoU(a, a)).to.equal(1);
    expect(boxIoU(a, { x0: 4, y0: 0, x1: 5, y1: 1 })).to.equal(0);
  });

  it('rejects masks with channels, naming the shape', () => {
    const m = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    expect(() => boxesFromMasks(m)).to.throw(/\[1, 2, 2, 3\]/);
    m.dispose();
  });

  it('does not leak', () => {
    const m = tf.randomUniform([2, 5, 5, 1]) as tf.Tensor4D;
    const { before, after } = expectNoLeak(() => boxesFromMasks(m));
    expect(after).to.equal(before);
    m.dispose();
  });
});

describe('metrics/box input checks', () => {
  it('rejects NaN masks (boxed as empty before) and values outside [0, 1], and a threshold outside [0, 1)', () => {
    const nan = tf.fill([1, 2, 2, 1], NaN) as tf.Tensor4D;
    const five = tf.fill([1, 2, 2, 1], 5) as tf.Tensor4D;
    expect(() => boxesFromMasks(nan)).to.throw(
      'boxesFromMasks: masks [1, 2, 2, 1] must lie in [0, 1], got 4 NaN values (of 4)',
    );
    expect(() => boxesFromMasks(five)).to.throw(
      'boxesFromMasks: masks [1, 2, 2, 1] must lie in [0, 1], got values in [5, 5]',
    );
    expect(() => boxesFromMasks(five, { threshold: -0.5 })).to.throw(
      'boxesFromMasks: threshold must be in [0, 1), got -0.5',
    );
    tf.dispose([nan, five]);
  });

  it('keeps an empty batch empty', () => {
    const none = tf.zeros([0, 2, 2, 1]) as tf.Tensor4D;
    expect(boxesFromMasks(none)).to.deep.equal([]);
    none.dispose();
  });
});
