/** The onednn engine's native row sum against the cpu backend. */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { onOnednnEngine } from '../../helpers/onednn-engine';
import { loadOnednnAddon } from '../../../lib/engine/onednn/addon';
import { compareWithCpu } from '../../helpers/compare-with-cpu';

describe('engine/onednn/sum-kernel', function () {
  onOnednnEngine();

  it('Sum over leading axes matches the cpu backend (more rows than one block, keepDims, any axis order); other reductions fall back', async () => {
    const cases: { shape: number[]; axis: number[]; keepDims: boolean }[] = [
      { shape: [5, 13, 11, 6], axis: [0, 1, 2], keepDims: false },
      { shape: [3, 5, 4, 6], axis: [2, 0, 1], keepDims: true },
      { shape: [200, 3], axis: [0], keepDims: false },
      { shape: [3, 5, 4, 6], axis: [1, 2], keepDims: false },
      { shape: [3, 5, 4, 6], axis: [3], keepDims: true },
    ];
    for (const c of cases) {
      const x = tf.randomNormal(c.shape, 0, 1, 'float32', 40);
      expect(
        await compareWithCpu('Sum', { x }, { axis: c.axis, keepDims: c.keepDims }),
        JSON.stringify(c),
      ).to.be.below(1e-5);
      x.dispose();
    }
  });

  it('does not leak and rejects arrays that do not match their sizes', () => {
    const x = tf.randomNormal([4, 4, 4, 8]);
    tf.sum(x, [0, 1, 2]).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.sum(x, [0, 1, 2]).dispose();
    expect(tf.memory().numTensors).to.equal(before);
    x.dispose();
    expect(() =>
      loadOnednnAddon().sumRows(new Float32Array(10), new Float32Array(3), 4, 3),
    ).to.throw(/x has 10 values, the shape needs 12/);
  });
});
