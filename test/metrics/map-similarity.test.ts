import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { mapSimilarity, mapSsim, meanRanks, spearman } from '../../lib/metrics/map-similarity';
import { Random } from '../../lib/core/random';
import { expectNoLeak } from '../helpers/tiny-black-box';

describe('metrics/map-similarity', () => {
  it('gives ties their mean rank', () => {
    expect(Array.from(meanRanks([3, 1, 3, 2]))).to.deep.equal([3.5, 1, 3.5, 2]);
  });

  it('computes Spearman ρ: 1, −1, a hand-checked value, and the constant-map conventions', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 400]).rho).to.be.closeTo(1, 1e-12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1]).rho).to.be.closeTo(-1, 1e-12);
    // Ranks (1, 2, 3, 4) and (2, 1, 4, 3): Σd² = 4, ρ = 1 − 6·4 / (4·15) = 0.6.
    expect(spearman([1, 2, 3, 4], [2, 1, 4, 3]).rho).to.be.closeTo(0.6, 1e-12);
    expect(spearman([1, 2, 3], [5, 5, 5])).to.deep.equal({ rho: 0, constant: true });
    expect(spearman([0, 0, 0], [5, 5, 5])).to.deep.equal({ rho: 1, constant: true });
    expect(() => spearman([1, 2], [1])).to.throw(/same length/);
    expect(() => spearman([1, NaN], [1, 2])).to.throw(/a\[1\] must be finite/);
  });

  it('gives SSIM 1 for identical maps and less for unrelated ones', () => {
    const rng = new Random(3);
    const a = Array.from({ length: 32 * 32 }, () => rng.uniform());
    const b = Array.from({ length: 32 * 32 }, () => rng.uniform());
    expect(mapSsim(a, a, 32, 32)).to.be.closeTo(1, 1e-9);
    expect(mapSsim(a, b, 32, 32)).to.be.below(0.2);
    expect(() => mapSsim(a, b, 8, 128)).to.throw(/smaller than the 11×11 window/);
  });

  it('compares batches of maps image by image without leaking', () => {
    const rng = new Random(4);
    const values = Array.from({ length: 2 * 16 * 16 }, () => rng.uniform());
    const a = tf.tensor4d(values, [2, 16, 16, 1]);
    const b = tf.tensor4d([...values.slice(0, 256), ...values.slice(0, 256)], [2, 16, 16, 1]);
    const s = mapSimilarity(a, b);
    expect(s.spearman[0]).to.be.closeTo(1, 1e-12);
    expect(s.ssim[0]).to.be.closeTo(1, 1e-9);
    expect(Math.abs(s.spearman[1])).to.be.below(0.2);
    expect(s.constant).to.deep.equal([false, false]);
    const c = tf.ones([1, 16, 16, 1]) as tf.Tensor4D;
    expect(() => mapSimilarity(a, c)).to.throw(/mapSimilarity: b/);
    const { before, after } = expectNoLeak(() => mapSimilarity(a, b));
    expect(after).to.equal(before);
    tf.dispose([a, b, c]);
  });
});
