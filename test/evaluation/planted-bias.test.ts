import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import type { BlackBox } from '../../lib/classifiers/black-box';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import { DEFAULT_PLANTED_CUE } from '../../lib/data/planted-bias';
import { cueAttribution, cueReliance } from '../../lib/evaluation/planted-bias';

/** Calls every image whose cue pixel (3, 3) is pure white a Shirt (6), every other one a T-shirt (0). */
const cueOnly: BlackBox = {
  name: 'cue-only',
  inputSize: [64, 64],
  channels: 3,
  classNames: Array.from({ length: 10 }, (_, i) => `c${i}`),
  predict: (images) =>
    tf.tidy(() => {
      const pixel = tf.slice(images, [0, 3, 3, 0], [-1, 1, 1, 3]).reshape([-1, 3]);
      const white = tf.cast(tf.equal(tf.min(pixel, 1), 1), 'float32');
      const rest = tf.sub(1, white);
      const zeros = tf.zerosLike(white);
      return tf.stack(
        [rest, zeros, zeros, zeros, zeros, zeros, white, zeros, zeros, zeros],
        1,
      ) as tf.Tensor2D;
    }),
};

describe('evaluation/planted-bias', () => {
  it('measures a black box that looks only at the cue', () => {
    const test = new ClutteredFashionMnist({ split: 'test', length: 300 });
    const r = cueReliance(cueOnly, test, {}, 300, 100);
    expect(r.images).to.equal(300);
    expect(r.biasedClassRecallClean).to.equal(0);
    expect(r.biasedClassRecallWithCue).to.equal(1);
    expect(r.othersCalledBiasedClean).to.equal(0);
    expect(r.othersCalledBiasedWithCue).to.equal(1);
    expect(r.othersAccuracyWithCue).to.equal(0);
  });

  it('attributes map mass and maxima to the cue and to the item', () => {
    // Map 0: all mass on the cue box; map 1: all on the item.
    const values = new Float32Array(2 * 64 * 64);
    for (let y = 2; y < 8; y++) for (let x = 2; x < 8; x++) values[y * 64 + x] = 1;
    for (let y = 30; y < 40; y++) for (let x = 30; x < 40; x++) values[64 * 64 + y * 64 + x] = 1;
    const masks = tf.tensor4d(values, [2, 64, 64, 1]);
    const item = { x0: 28, y0: 28, x1: 44, y1: 44 };
    const a = cueAttribution(masks, DEFAULT_PLANTED_CUE, [item, item]);
    expect(a.cueMass).to.deep.equal([1, 0]);
    expect(a.cueMassWithinTolerance).to.deep.equal([1, 0]);
    expect(a.itemMass).to.deep.equal([0, 1]);
    expect(a.maxOnCue).to.deep.equal([true, false]);
    expect(a.maxOnItem).to.deep.equal([false, true]);
    masks.dispose();
  });
});
