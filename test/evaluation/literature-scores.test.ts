import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { LiteratureScores } from '../../lib/evaluation/literature-scores';
import { curveAuc, deletionInsertion } from '../../lib/metrics/deletion-insertion';
import { tinyBlackBox } from '../helpers/tiny-black-box';

describe('evaluation/literature-scores', () => {
  it('accumulates the pointing game and the curves of the first images over batches', () => {
    const bb = tinyBlackBox(16, 16, 3, 4);
    const images = tf.randomUniform([5, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    // Every map peaks at pixel (3, 3); elsewhere distinct values below 0.5 (no ties to order).
    const values = Float32Array.from({ length: 5 * 256 }, (_, p) => ((p * 37) % 256) / 512);
    for (let i = 0; i < 5; i++) values[i * 256 + 3 * 16 + 3] = 1;
    const masks = tf.tensor4d(values, [5, 16, 16, 1]);
    const on = { x0: 2, y0: 2, x1: 6, y1: 6 };
    const off = { x0: 10, y0: 10, x1: 16, y1: 16 };
    const classes = [0, 1, 2, 3, 0];
    const scores = new LiteratureScores(3, 4);
    expect(() => scores.result()).to.throw(/nothing to score/);
    const first = [images.slice(0, 2), masks.slice(0, 2)] as const;
    const rest = [images.slice(2, 3), masks.slice(2, 3)] as const;
    scores.addTest(bb, first[0], first[1], classes.slice(0, 2), [on, off]);
    scores.addTest(bb, rest[0], rest[1], classes.slice(2), [on, on, on]);
    scores.addPairs(masks, [on, on, off, off, on], [off, off, on, on, off]);
    const r = scores.result();
    expect(r.pointingGame.rate).to.equal(4 / 5);
    expect(r.pointingGame.images).to.equal(5);
    expect(r.pointingGame.pairs.requested.rate).to.equal(3 / 5);
    expect(r.pointingGame.pairs.other.rate).to.equal(2 / 5);
    // Curves on the first 3 images only, the same as computing them directly.
    const direct = deletionInsertion(
      bb,
      images.slice(0, 3),
      masks.slice(0, 3),
      classes.slice(0, 3),
      {
        steps: 4,
        removal: 'constant',
      },
    );
    expect(r.deletionAuc.images).to.equal(3);
    expect(r.deletionAuc.constant.mean).to.be.closeTo(
      direct.deletion.auc.reduce((s, v) => s + v, 0) / 3,
      1e-6,
    );
    expect(r.curves.insertion.constant).to.have.length(5);
    expect(curveAuc(r.curves.insertion.constant)).to.be.closeTo(r.insertionAuc.constant.mean, 1e-6);
    tf.dispose([images, masks, ...first, ...rest]);
    bb.dispose();
  });
});
