import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { assertBox, assertFinite, assertNonEmptyBatch, assertRange } from '../../lib/core/checks';
import { expectNoLeak } from '../helpers/tiny-black-box';

describe('checks', () => {
  it('assertRange finds a single NaN among valid values, and values outside the range', () => {
    const values = new Float32Array(300).fill(0.5);
    values[137] = NaN;
    const oneNaN = tf.tensor1d(values);
    const outside = tf.tensor1d([0, 0.5, 7]);
    const valid = tf.tensor1d([0, 0.5, 1]);
    expect(() => assertRange(oneNaN, 0, 1, 'f: x')).to.throw(
      'f: x must lie in [0, 1], got 1 NaN value (of 300)',
    );
    expect(() => assertRange(outside, 0, 1, 'f: x')).to.throw(
      'f: x must lie in [0, 1], got values in [0, 7]',
    );
    expect(() => assertRange(valid, 0, 1, 'f: x')).not.to.throw();
    const { before, after } = expectNoLeak(() => assertRange(valid, 0, 1, 'f: x'));
    expect(after).to.equal(before);
    tf.dispose([oneNaN, outside, valid]);
  });

  it('assertRange and assertFinite pass an empty tensor', () => {
    const empty = tf.zeros([0, 4, 4, 1]);
    expect(() => assertRange(empty, 0, 1, 'f: x')).not.to.throw();
    expect(() => assertFinite(empty, 'f: x')).not.to.throw();
    empty.dispose();
  });

  it('assertFinite accepts any finite scale and rejects NaN and ±Infinity', () => {
    const large = tf.tensor1d([-300, 2e30]);
    const nan = tf.tensor1d([1, NaN, NaN]);
    const infinite = tf.tensor1d([1, -Infinity]);
    expect(() => assertFinite(large, 'f: maps')).not.to.throw();
    expect(() => assertFinite(nan, 'f: maps')).to.throw(
      'f: maps must be finite, got 2 NaN values (of 3)',
    );
    expect(() => assertFinite(infinite, 'f: maps')).to.throw(
      'f: maps must be finite, got values in [-Infinity, 1]',
    );
    tf.dispose([large, nan, infinite]);
  });

  it('assertBox wants finite, ordered boxes, empty ones only when allowed', () => {
    expect(() => assertBox({ x0: 6, y0: 0, x1: 2, y1: 8 }, 'f: box')).to.throw(
      'f: box must have finite coordinates with x0 < x1 and y0 < y1, got {x0: 6, y0: 0, x1: 2, y1: 8}',
    );
    expect(() => assertBox({ x0: 0, y0: NaN, x1: 2, y1: 8 }, 'f: box')).to.throw(/y0: NaN/);
    expect(() => assertBox({ x0: 2, y0: 0, x1: 2, y1: 8 }, 'f: box')).to.throw(/x0 < x1/);
    expect(() => assertBox({ x0: 2, y0: 0, x1: 2, y1: 8 }, 'f: box', true)).not.to.throw();
    expect(() => assertBox({ x0: 3, y0: 0, x1: 2, y1: 8 }, 'f: box', true)).to.throw(/x0 <= x1/);
    expect(() => assertBox({ x0: 0, y0: 0.5, x1: 2, y1: 8 }, 'f: box')).not.to.throw();
  });

  it('assertNonEmptyBatch names the statistic that zero items do not define', () => {
    expect(() => assertNonEmptyBatch(0, 'f: maps [0, 8, 8, 1]', 'the accuracy')).to.throw(
      'f: maps [0, 8, 8, 1] hold no item (batch size 0): the accuracy over zero items is undefined',
    );
    expect(() => assertNonEmptyBatch(1, 'f: maps', 'the accuracy')).not.to.throw();
  });
});
