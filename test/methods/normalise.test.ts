import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { normaliseMaps } from '../../lib/methods/normalise';

describe('methods/normalise', () => {
  it('normalises each image by hand', () => {
    const maps = tf.tensor4d([-1, 0, 2, 4, 3, 3, 3, 3, 0, 0, 0, 0], [3, 2, 2, 1]);
    const max = normaliseMaps(maps, 'max');
    const minMax = normaliseMaps(maps, 'min-max');
    expect(Array.from(max.dataSync())).to.deep.equal([0, 0, 0.5, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    const mm = Array.from(minMax.dataSync());
    [0, 0.2, 0.6, 1, 0, 0, 0, 0, 0, 0, 0, 0].forEach((v, i) =>
      expect(mm[i]).to.be.closeTo(v, 1e-6),
    );
    tf.dispose([maps, max, minMax]);
  });

  it('rejects NaN and infinite maps (a black box whose gradient is not finite) and keeps an empty batch empty', () => {
    const nan = tf.tensor4d([0, NaN, 1, 2], [1, 2, 2, 1]);
    const infinite = tf.tensor4d([0, Infinity, 1, 2], [1, 2, 2, 1]);
    const none = tf.zeros([0, 2, 2, 1]) as tf.Tensor4D;
    expect(() => normaliseMaps(nan, 'max')).to.throw(
      'normaliseMaps: saliency maps [1, 2, 2, 1] must be finite, got 1 NaN value (of 4)',
    );
    expect(() => normaliseMaps(infinite, 'min-max')).to.throw(
      'normaliseMaps: saliency maps [1, 2, 2, 1] must be finite, got values in [0, Infinity]',
    );
    expect(() => normaliseMaps(none, 'mean' as 'max')).to.throw(
      /normaliseMaps: unknown normalisation "mean"/,
    );
    const out = normaliseMaps(none, 'min-max');
    expect(out.shape).to.deep.equal([0, 2, 2, 1]);
    tf.dispose([nan, infinite, none, out]);
  });

  it('rejects maps with channels', () => {
    const maps = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    expect(() => normaliseMaps(maps, 'max')).to.throw(
      /saliency maps must have shape \[\*, \*, \*, 1\], got \[1, 2, 2, 3\]/,
    );
    maps.dispose();
  });
});
