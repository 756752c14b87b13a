import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { cropMetric, saliencyScore } from '../../lib/metrics/crop-metric';
import { expectNoLeak, tinyBlackBox } from '../helpers/tiny-black-box';

describe('metrics/crop-metric', () => {
  it('scores s(a, p) = log(max(a, 0.05)) − log p by hand at a = 0.01 and a = 0.5', () => {
    expect(saliencyScore(0.01, 0.8)).to.be.closeTo(Math.log(0.05) - Math.log(0.8), 1e-12);
    expect(saliencyScore(0.5, 0.8)).to.be.closeTo(Math.log(0.5) - Math.log(0.8), 1e-12);
    expect(saliencyScore(0.01, 0.8)).to.be.closeTo(-2.772, 1e-3);
    expect(saliencyScore(0.5, 0.8)).to.be.closeTo(-0.47, 1e-3);
    expect(Number.isFinite(saliencyScore(0.5, 0))).to.equal(true);
  });

  it('crops the box, resizes it to the input size and reads p on the crop', () => {
    const box = tinyBlackBox(2, 2, 1, 3);
    const pixels = Array.from({ length: 16 }, (_, i) => i / 16);
    const images = tf.tensor4d([...pixels, ...pixels], [2, 4, 4, 1]);
    // Image 0: mask on rows 1..2, cols 2..3 (2×2 box, a = 4/16). Image 1: empty mask.
    const m0 = new Array(16).fill(0);
    for (const i of [6, 7, 10, 11]) m0[i] = 1;
    const masks = tf.tensor4d([...m0, ...new Array(16).fill(0)], [2, 4, 4, 1]);
    const result = cropMetric(box, images, masks, [2, 1]);
    expect(result.box).to.deep.equal([
      { x0: 2, y0: 1, x1: 4, y1: 3 },
      { x0: 0, y0: 0, x1: 4, y1: 4 },
    ]);
    expect(result.area).to.deep.equal([0.25, 1]);
    expect(result.empty).to.deep.equal([false, true]);
    // A 2×2 box resized to 2×2 is the box itself; the whole 4×4 image resized to 2×2 samples its corners.
    const crop = tf.tensor4d(
      [6, 7, 10, 11].map((i) => pixels[i]),
      [1, 2, 2, 1],
    );
    const corners = tf.tensor4d(
      [0, 3, 12, 15].map((i) => pixels[i]),
      [1, 2, 2, 1],
    );
    const p0 = tf.tidy(() => box.predict(crop).dataSync()[2]);
    const p1 = tf.tidy(() => box.predict(corners).dataSync()[1]);
    expect(result.probability[0]).to.be.closeTo(p0, 1e-6);
    expect(result.probability[1]).to.be.closeTo(p1, 1e-6);
    expect(result.score[0]).to.be.closeTo(Math.log(0.25) - Math.log(p0), 1e-5);
    expect(result.score[1]).to.be.closeTo(-Math.log(p1), 1e-5);
    tf.dispose([images, masks, crop, corners]);
    box.dispose();
  });

  it('rejects masks of the wrong shape and classes out of range', () => {
    const box = tinyBlackBox(2, 2, 1, 3);
    const images = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
    const small = tf.zeros([2, 2, 2, 1]) as tf.Tensor4D;
    const masks = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
    expect(() => cropMetric(box, images, small, [0, 1])).to.throw(/\[2, 4, 4, 1\].*\[2, 2, 2, 1\]/);
    expect(() => cropMetric(box, images, masks, [0, 3])).to.throw(/3 .*out of range.*3 classes/);
    tf.dispose([images, small, masks]);
    box.dispose();
  });

  it('does not leak', () => {
    const box = tinyBlackBox(4, 4, 3, 3);
    const images = tf.randomUniform([2, 8, 8, 3]) as tf.Tensor4D;
    const masks = tf.randomUniform([2, 8, 8, 1]) as tf.Tensor4D;
    const { before, after } = expectNoLeak(() => cropMetric(box, images, masks, [0, 2]));
    expect(after).to.equal(before);
    tf.dispose([images, masks]);
    box.dispose();
  });
});

describe('metrics/crop-metric input checks', () => {
  const box = tinyBlackBox(2, 2, 1, 3);
  const fill = (shape: [number, number, number, number], value: number) =>
    tf.fill(shape, value) as tf.Tensor4D;
  after(() => box.dispose());

  it('gives empty results for an empty batch', () => {
    const none = fill([0, 4, 4, 1], 0.5);
    expect(cropMetric(box, none, none, [])).to.deep.equal({
      score: [],
      area: [],
      probability: [],
      box: [],
      empty: [],
    });
    const { before, after } = expectNoLeak(() => cropMetric(box, none, none, []));
    expect(after).to.equal(before);
    none.dispose();
  });

  it('rejects mask values outside [0, 1] and an all-NaN mask (which it used to score as empty), and NaN images', () => {
    const ok = fill([1, 4, 4, 1], 0.5);
    const five = fill([1, 4, 4, 1], 5);
    const minus = fill([1, 4, 4, 1], -3);
    const nan = fill([1, 4, 4, 1], NaN);
    expect(() => cropMetric(box, ok, five, [0])).to.throw(
      'cropMetric: masks [1, 4, 4, 1] must lie in [0, 1], got values in [5, 5]',
    );
    expect(() => cropMetric(box, ok, minus, [0])).to.throw(
      'cropMetric: masks [1, 4, 4, 1] must lie in [0, 1], got values in [-3, -3]',
    );
    expect(() => cropMetric(box, ok, nan, [0])).to.throw(
      'cropMetric: masks [1, 4, 4, 1] must lie in [0, 1], got 16 NaN values (of 16)',
    );
    expect(() => cropMetric(box, nan, ok, [0])).to.throw(
      'cropMetric: images [1, 4, 4, 1] must lie in [0, 1], got 16 NaN values (of 16)',
    );
    tf.dispose([ok, five, minus, nan]);
  });

  it('rejects a threshold outside [0, 1), floors outside (0, 1], and scores outside their ranges', () => {
    const ok = fill([1, 4, 4, 1], 0.5);
    expect(() => cropMetric(box, ok, ok, [0], { threshold: 1 })).to.throw(
      'cropMetric: threshold must be in [0, 1), got 1',
    );
    expect(() => cropMetric(box, ok, ok, [0], { areaFloor: 0 })).to.throw(
      'cropMetric: areaFloor must be in (0, 1], got 0',
    );
    expect(() => saliencyScore(NaN, 0.5)).to.throw(
      'saliencyScore: area must be in [0, 1], got NaN',
    );
    expect(() => saliencyScore(0.5, 2)).to.throw(
      'saliencyScore: probability must be in [0, 1], got 2',
    );
    ok.dispose();
  });
});
