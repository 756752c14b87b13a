import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import {
  DEFAULT_ALPHA_GRID,
  localisationBox,
  localise,
  tuneAlpha,
} from '../../lib/metrics/localisation';
import { expectNoLeak } from '../helpers/tiny-black-box';

/** An 8×8 map: `inner` on the box rows 2..5 × cols 2..5, `ring` on the 1-pixel ring around it, 0 elsewhere. */
function ringMap(inner: number, ring: number): number[] {
  return Array.from({ length: 64 }, (_, p) => {
    const [y, x] = [Math.floor(p / 8), p % 8];
    if (y >= 2 && y < 6 && x >= 2 && x < 6) return inner;
    return y >= 1 && y < 7 && x >= 1 && x < 7 ? ring : 0;
  });
}

describe('metrics/localisation', () => {
  // Ground truth: the inner 4×4 box. Map mean = (16·1 + 20·0.5) / 64 = 26/64.
  const truth = { x0: 2, y0: 2, x1: 6, y1: 6 };

  it('boxes the region above α × mean', () => {
    const map = ringMap(1, 0.5);
    expect(localisationBox(map, 8, 8, { alpha: 1 })).to.deep.equal({ x0: 1, y0: 1, x1: 7, y1: 7 }); // 0.41: ring and inner
    expect(localisationBox(map, 8, 8, { alpha: 2 })).to.deep.equal(truth); // 0.81: inner only
    expect(localisationBox(map, 8, 8, { alpha: 3 })).to.equal(null); // 1.22: nothing
  });

  it('scores IoU, correctness and error with known values', () => {
    const maps = tf.tensor4d([...ringMap(1, 0.5), ...ringMap(1, 0.5)], [2, 8, 8, 1]);
    // At α = 1 the box is 6×6: IoU 16/36 < 0.5 → wrong; with a 5×5 truth, 25/36 ≥ 0.5 → right.
    const r = localise(maps, [truth, { x0: 1, y0: 1, x1: 6, y1: 6 }], { alpha: 1 });
    expect(r.iou[0]).to.be.closeTo(16 / 36, 1e-12);
    expect(r.iou[1]).to.be.closeTo(25 / 36, 1e-12);
    expect(r.correct).to.deep.equal([false, true]);
    expect(r.accuracy).to.equal(0.5);
    expect(r.error).to.equal(0.5);
    // Several ground-truth boxes: the best one counts; an empty region is wrong.
    expect(
      localise(maps, [[{ x0: 0, y0: 0, x1: 1, y1: 1 }, truth], truth], { alpha: 2 }).correct,
    ).to.deep.equal([true, true]);
    expect(localise(maps, [truth, truth], { alpha: 3 })).to.deep.include({
      boxes: [null, null],
      iou: [0, 0],
      accuracy: 0,
    });
    maps.dispose();
  });

  it('tunes α to the obvious value on a toy set', () => {
    // Four maps with different ring strengths; only thresholds between ring and inner give the truth box.
    const maps = tf.tensor4d(
      [0.3, 0.5, 0.6, 0.75].flatMap((ring) => ringMap(1, ring)),
      [4, 8, 8, 1],
    );
    const r = tuneAlpha(maps, [truth, truth, truth, truth], { alphas: [0.5, 1, 1.5, 1.8, 2.5] });
    // α·mean must lie between the ring and 1 for every map (means 0.34..0.48): only α = 1.8 does;
    // α = 1.5 keeps the 0.75 ring (threshold 0.73), α = 2.5 empties that map (threshold 1.21).
    expect(r.alpha).to.equal(1.8);
    expect(r.accuracy).to.equal(1);
    expect(r.meanIoU).to.equal(1);
    expect(r.curve.map((c) => c.alpha)).to.deep.equal([0.5, 1, 1.5, 1.8, 2.5]);
    expect(r.curve.map((c) => c.accuracy)).to.deep.equal([0, 0.25, 0.75, 1, 0.25]);
    expect(DEFAULT_ALPHA_GRID).to.have.length(41);
    expect(tuneAlpha(maps, [truth, truth, truth, truth]).accuracy).to.equal(1);
    maps.dispose();
  });

  it('rejects mismatched input and does not leak', () => {
    const maps = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
    const wide = tf.zeros([2, 8, 8, 3]) as tf.Tensor4D;
    expect(() => localise(maps, [truth])).to.throw(
      /groundTruth has 1 entries but maps \[2, 8, 8, 1\] hold 2/,
    );
    expect(() => localise(wide, [truth, truth])).to.throw(
      /saliency maps must have shape \[\*, \*, \*, 1\], got \[2, 8, 8, 3\]/,
    );
    expect(() => tuneAlpha(maps, [truth, truth], { alphas: [] })).to.throw(/at least one/);
    const { before, after } = expectNoLeak(() =>
      tuneAlpha(maps, [truth, truth], { alphas: [1, 2] }),
    );
    expect(after).to.equal(before);
    tf.dispose([maps, wide]);
  });
});

describe('metrics/localisation input checks', () => {
  const truth = { x0: 2, y0: 2, x1: 6, y1: 6 };

  it('rejects an empty batch: the accuracy over zero images is undefined', () => {
    const none = tf.zeros([0, 8, 8, 1]) as tf.Tensor4D;
    expect(() => localise(none, [])).to.throw(
      'localise: saliency maps [0, 8, 8, 1] hold no item (batch size 0): localisation accuracy over zero items is undefined',
    );
    expect(() => tuneAlpha(none, [])).to.throw(
      'tuneAlpha: saliency maps [0, 8, 8, 1] hold no item (batch size 0): localisation accuracy over zero items is undefined',
    );
    none.dispose();
  });

  it('rejects NaN maps (tuneAlpha used to return α = 0 for them) and infinite ones', () => {
    const nan = tf.fill([1, 8, 8, 1], NaN) as tf.Tensor4D;
    const infinite = tf.fill([1, 8, 8, 1], Infinity) as tf.Tensor4D;
    expect(() => tuneAlpha(nan, [truth])).to.throw(
      'tuneAlpha: saliency maps [1, 8, 8, 1] must be finite, got 64 NaN values (of 64)',
    );
    expect(() => localise(nan, [truth])).to.throw(
      'localise: saliency maps [1, 8, 8, 1] must be finite, got 64 NaN values (of 64)',
    );
    expect(() => localise(infinite, [truth])).to.throw(
      'localise: saliency maps [1, 8, 8, 1] must be finite, got values in [Infinity, Infinity]',
    );
    tf.dispose([nan, infinite]);
  });

  it('rejects a ground-truth box with x0 > x1, an empty one, no box at all, and a negative α', () => {
    const maps = tf.ones([1, 8, 8, 1]) as tf.Tensor4D;
    expect(() => localise(maps, [{ x0: 6, y0: 0, x1: 2, y1: 8 }])).to.throw(
      'localise: groundTruth[0] must have finite coordinates with x0 < x1 and y0 < y1, got {x0: 6, y0: 0, x1: 2, y1: 8}',
    );
    expect(() => localise(maps, [[truth, { x0: 2, y0: 3, x1: 5, y1: 3 }]])).to.throw(
      /localise: groundTruth\[0\]\[1\] must have .* y0 < y1/,
    );
    expect(() => tuneAlpha(maps, [[]])).to.throw('tuneAlpha: groundTruth[0] holds no box');
    expect(() => tuneAlpha(maps, [truth], { alphas: [1, -1] })).to.throw(
      'tuneAlpha: alphas[1] must be >= 0, got -1',
    );
    // Valid boxes, several per image included, still pass: a constant map has nothing above its mean, so no box.
    expect(localise(maps, [[truth, { x0: 0, y0: 0, x1: 8, y1: 8 }]]).boxes).to.deep.equal([null]);
    maps.dispose();
  });
});
