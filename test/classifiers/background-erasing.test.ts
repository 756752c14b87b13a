import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../../lib/data/box';
import { eraseBackground } from '../../lib/classifiers/background-erasing';
import { Random } from '../../lib/core/random';

const B = 6;
const S = 16;
const BOXES: Box[] = Array.from({ length: B }, (_, i) => ({ x0: i, y0: 2, x1: i + 6, y1: 9 }));

function images(): tf.Tensor4D {
  return tf.randomUniform([B, S, S, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
}

/** Per image: largest change inside its box and share of changed pixels outside it. */
function changes(
  before: tf.Tensor4D,
  after: tf.Tensor4D,
): { inside: number; outsideShare: number }[] {
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(before, after)), 3).arraySync() as number[][][]);
  return BOXES.map(({ x0, y0, x1, y1 }, i) => {
    let inside = 0;
    let changed = 0;
    let outside = 0;
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const d = diff[i][y][x];
        if (y >= y0 && y < y1 && x >= x0 && x < x1) inside = Math.max(inside, d);
        else {
          outside++;
          if (d > 1e-6) changed++;
        }
      }
    }
    return { inside, outsideShare: changed / outside };
  });
}

describe('background erasing', () => {
  it('never changes a pixel inside the item box, and erases background when the probability is 1', () => {
    const x = images();
    const erased = eraseBackground(x, BOXES, new Random(1), { probability: 1 });
    const c = changes(x, erased);
    // Φ computes A + (X − A)·1 inside the box: equal to X up to float rounding.
    c.forEach(({ inside }) => expect(inside).to.be.below(1e-6));
    // The erased share of each background is random; over the batch some background must change.
    expect(Math.max(...c.map((e) => e.outsideShare))).to.be.above(0.2);
    const [lo, hi] = tf.tidy(() => [tf.min(erased).dataSync()[0], tf.max(erased).dataSync()[0]]);
    expect(lo).to.be.at.least(0);
    expect(hi).to.be.at.most(1);
    tf.dispose([x, erased]);
  });

  it('returns an identical copy with probability 0', () => {
    const x = images();
    const same = eraseBackground(x, BOXES, new Random(1), { probability: 0 });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(x, same))).dataSync()[0])).to.equal(0);
    tf.dispose([x, same]);
  });

  it('is a pure function of the random state', () => {
    const x = images();
    const a = eraseBackground(x, BOXES, new Random('s').fork('erase/3'), { probability: 0.5 });
    const b = eraseBackground(x, BOXES, new Random('s').fork('erase/3'), { probability: 0.5 });
    const c = eraseBackground(x, BOXES, new Random('s').fork('erase/4'), { probability: 0.5 });
    const maxDiff = (p: tf.Tensor, q: tf.Tensor) =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(p, q))).dataSync()[0]);
    expect(maxDiff(a, b)).to.equal(0);
    expect(maxDiff(a, c)).to.be.above(0);
    tf.dispose([x, a, b, c]);
  });

  it('names a box count that does not match the batch and a bad probability', () => {
    const x = images();
    expect(() => eraseBackground(x, BOXES.slice(1), new Random(0))).to.throw(
      /5 boxes for a batch of 6/,
    );
    expect(() => eraseBackground(x, BOXES, new Random(0), { probability: 1.5 })).to.throw(
      /probability must lie in \[0, 1\], got 1.5/,
    );
    x.dispose();
  });

  it('does not leak tensors over repeated calls', () => {
    const x = images();
    const rng = new Random(2);
    tf.dispose(eraseBackground(x, BOXES, rng));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(eraseBackground(x, BOXES, rng));
    expect(tf.memory().numTensors).to.equal(before);
    x.dispose();
  });
});
