import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import {
  boxRegions,
  classSelectivity,
  massInside,
  meanMaskArea,
} from '../../lib/metrics/selectivity';
import { expectNoLeak } from '../helpers/tiny-black-box';

describe('metrics/selectivity', () => {
  it('rasterises boxes, clipped to the image', () => {
    expect(
      Array.from(
        boxRegions(
          [
            { x0: 1, y0: 0, x1: 3, y1: 1 },
            { x0: -1, y0: 1, x1: 1, y1: 5 },
          ],
          2,
          3,
        ),
      ),
    ).to.deep.equal([0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('rasterises fractional boxes (VOC boxes fitted to the input) by pixel centres', () => {
    // Columns whose centre (0.5, 1.5, 2.5, 3.5) lies in [0.6, 2.5): 1; rows in [1.4, 4): 1 and 2 (of 3).
    expect(Array.from(boxRegions([{ x0: 0.6, y0: 1.4, x1: 2.5, y1: 4 }], 3, 4))).to.deep.equal([
      0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0,
    ]);
    // A box between two pixel centres covers none.
    expect(Array.from(boxRegions([{ x0: 0.6, y0: 0, x1: 1.4, y1: 2 }], 2, 2))).to.deep.equal([
      0, 0, 0, 0,
    ]);
  });

  it('measures mask mass on a toy two-item pair', () => {
    // 2×4 image: item A on the left half, item B on the right half.
    const itemA = boxRegions([{ x0: 0, y0: 0, x1: 2, y1: 2 }], 2, 4);
    const itemB = boxRegions([{ x0: 2, y0: 0, x1: 4, y1: 2 }], 2, 4);
    // The mask for A's class: 0.9 on A, 0.1 on B → 90% of the mass inside A, 10% inside B.
    const maskForA = tf.tensor4d([0.9, 0.9, 0.1, 0.1, 0.9, 0.9, 0.1, 0.1], [1, 2, 4, 1]);
    const r = classSelectivity(maskForA, itemA, itemB);
    expect(r.requested[0]).to.be.closeTo(0.9, 1e-6);
    expect(r.other[0]).to.be.closeTo(0.1, 1e-6);
    // A fake class: mean mask value; an empty mask has no mass anywhere.
    const fake = tf.tensor4d([0, 0, 0, 0, 0, 0, 0.4, 0.4], [1, 2, 4, 1]);
    expect(meanMaskArea(fake)[0]).to.be.closeTo(0.1, 1e-6);
    const empty = tf.zeros([1, 2, 4, 1]) as tf.Tensor4D;
    expect(massInside(empty, itemA)).to.deep.equal([0]);
    tf.dispose([maskForA, fake, empty]);
  });

  it('rejects regions of the wrong size and does not leak', () => {
    const masks = tf.ones([2, 2, 2, 1]) as tf.Tensor4D;
    expect(() => massInside(masks, new Uint8Array(4))).to.throw(
      /regions have 4 values, expected B\*H\*W = 2\*2\*2 = 8/,
    );
    const { before, after } = expectNoLeak(() => {
      massInside(masks, new Uint8Array(8));
      meanMaskArea(masks);
    });
    expect(after).to.equal(before);
    masks.dispose();
  });
});

describe('metrics/selectivity input checks', () => {
  it('rejects mask values outside [0, 1] and NaN, naming the function', () => {
    const minus = tf.fill([1, 2, 2, 1], -3) as tf.Tensor4D;
    const five = tf.fill([1, 2, 2, 1], 5) as tf.Tensor4D;
    const nan = tf.fill([1, 2, 2, 1], NaN) as tf.Tensor4D;
    expect(() => massInside(minus, new Uint8Array(4))).to.throw(
      'massInside: masks [1, 2, 2, 1] must lie in [0, 1], got values in [-3, -3]',
    );
    expect(() => classSelectivity(nan, new Uint8Array(4), new Uint8Array(4))).to.throw(
      /massInside: masks \[1, 2, 2, 1\] must lie in \[0, 1\], got 4 NaN/,
    );
    expect(() => meanMaskArea(five)).to.throw(
      'meanMaskArea: masks [1, 2, 2, 1] must lie in [0, 1], got values in [5, 5]',
    );
    tf.dispose([minus, five, nan]);
  });

  it('keeps an empty batch empty', () => {
    const none = tf.zeros([0, 2, 2, 1]) as tf.Tensor4D;
    expect(massInside(none, new Uint8Array(0))).to.deep.equal([]);
    expect(meanMaskArea(none)).to.deep.equal([]);
    none.dispose();
  });

  it('rasterises an empty box as an empty region but rejects an inverted or NaN box', () => {
    expect(Array.from(boxRegions([{ x0: 0, y0: 0, x1: 0, y1: 0 }], 2, 2))).to.deep.equal([
      0, 0, 0, 0,
    ]);
    expect(() => boxRegions([{ x0: 2, y0: 0, x1: 1, y1: 2 }], 2, 2)).to.throw(
      'boxRegions: boxes[0] must have finite coordinates with x0 <= x1 and y0 <= y1, got {x0: 2, y0: 0, x1: 1, y1: 2}',
    );
    expect(() => boxRegions([{ x0: 0, y0: 0, x1: NaN, y1: 2 }], 2, 2)).to.throw(
      /boxRegions: boxes\[0\] .* x1: NaN/,
    );
  });
});
