import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import type { BlackBox } from '../../lib/classifiers/black-box';
import { Random } from '../../lib/core/random';
import { curveAuc, deletionInsertion, removalRanks } from '../../lib/metrics/deletion-insertion';
import { expectNoLeak } from '../helpers/tiny-black-box';

/**
 * A two-class black box on 4×4 grey images whose class-0 probability is the
 * mean brightness of the top row (the "evidence"), so each removed top-row
 * pixel of a white image costs exactly 1/4 of it.
 */
function topRowBlackBox(): BlackBox & { dispose(): void } {
  const weights = tf.tensor4d([1, 1, 1, 1, ...new Array<number>(12).fill(0)], [1, 4, 4, 1]);
  return {
    name: 'top-row',
    inputSize: [4, 4],
    channels: 1,
    classNames: ['top', 'rest'],
    predict: (images) =>
      tf.tidy(() => {
        const p = tf.div(tf.sum(tf.mul(images, weights), [1, 2, 3]), 4);
        return tf.stack([p, tf.sub(1, p)], 1) as tf.Tensor2D;
      }),
    dispose: () => weights.dispose(),
  };
}

describe('metrics/deletion-insertion', () => {
  it('integrates a curve by trapezoids over [0, 1]', () => {
    expect(curveAuc([1, 0])).to.equal(0.5);
    expect(curveAuc([1, 0, 0, 0, 0])).to.equal(0.125);
    expect(() => curveAuc([1])).to.throw(/at least 2 points/);
  });

  it('ranks the most salient pixel first and breaks ties by the seed', () => {
    expect(Array.from(removalRanks([0.1, 0.9, 0.5], new Random(0)))).to.deep.equal([2, 0, 1]);
    const flat = new Array<number>(16).fill(1);
    const a = removalRanks(flat, new Random(1));
    expect([...a].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 16 }, (_, i) => i));
    expect(Array.from(removalRanks(flat, new Random(1)))).to.deep.equal(Array.from(a));
  });

  it('traces the probability for a perfect and a reversed map (constant removal)', () => {
    const bb = topRowBlackBox();
    const images = tf.ones([2, 4, 4, 1]) as tf.Tensor4D;
    // Map 0 ranks the top row first, map 1 last.
    const top = [4, 4, 4, 4, ...new Array<number>(12).fill(1)].map((v) => v / 4);
    const bottom = top.map((v) => 1 - v);
    const masks = tf.tensor4d([...top, ...bottom], [2, 4, 4, 1]);
    const r = deletionInsertion(bb, images, masks, [0, 0], { steps: 4, removal: 'constant' });
    expect(r.deletion.curve[0]).to.deep.equal([1, 0, 0, 0, 0]);
    expect(r.insertion.curve[0]).to.deep.equal([0, 1, 1, 1, 1]);
    expect(r.deletion.curve[1]).to.deep.equal([1, 1, 1, 1, 0]);
    expect(r.deletion.auc).to.deep.equal([0.125, 0.875]);
    expect(r.insertion.auc).to.deep.equal([0.875, 0.125]);
    tf.dispose([images, masks]);
    bb.dispose();
  });

  it('with blur removal ends at the blurred image, and processes in chunks alike', () => {
    const bb = topRowBlackBox();
    const images = tf.tensor4d(
      Array.from({ length: 3 * 16 }, (_, i) => ((i * 7) % 11) / 10),
      [3, 4, 4, 1],
    );
    const masks = tf.tensor4d(
      Array.from({ length: 3 * 16 }, (_, i) => ((i * 5) % 13) / 12),
      [3, 4, 4, 1],
    );
    const whole = deletionInsertion(bb, images, masks, [0, 1, 0], { steps: 4 });
    const chunked = deletionInsertion(bb, images, masks, [0, 1, 0], { steps: 4, maxBatch: 10 });
    expect(chunked).to.deep.equal(whole);
    const probs = bb.predict(images).arraySync();
    whole.deletion.curve.forEach((curve, i) => {
      expect(curve[0]).to.be.closeTo(probs[i][[0, 1, 0][i]], 1e-6);
      expect(whole.insertion.curve[i][4]).to.be.closeTo(curve[0], 1e-6);
      expect(whole.insertion.curve[i][0]).to.be.closeTo(curve[4], 1e-6);
    });
    tf.dispose([images, masks]);
    bb.dispose();
  });

  it('rejects bad input by name and does not leak', () => {
    const bb = topRowBlackBox();
    const images = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const masks = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    expect(() => deletionInsertion(bb, images, masks, [2])).to.throw(/class index/);
    expect(() => deletionInsertion(bb, images, masks, [0], { steps: 0 })).to.throw(/steps/);
    expect(() =>
      deletionInsertion(bb, images, masks, [0], { removal: 'noise' as 'blur' }),
    ).to.throw(/unknown removal 'noise'/);
    const wrong = tf.ones([1, 4, 4, 3]) as tf.Tensor4D;
    expect(() => deletionInsertion(bb, wrong, masks, [0])).to.throw(/do not fit black box/);
    const empty = deletionInsertion(bb, tf.zeros([0, 4, 4, 1]), tf.zeros([0, 4, 4, 1]), []);
    expect(empty.deletion).to.deep.equal({ curve: [], auc: [] });
    const { before, after } = expectNoLeak(() =>
      deletionInsertion(bb, images, masks, [0], { steps: 4 }),
    );
    expect(after).to.equal(before);
    tf.dispose([images, masks, wrong]);
    bb.dispose();
  });
});
