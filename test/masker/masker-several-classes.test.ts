import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { Masker } from '../../lib/masker/masker';
import { expectNoLeak } from '../helpers/tiny-black-box';
import { tinyEncoder } from '../helpers/tiny-encoder';

describe('masker/masker: one image, several classes, one encoder pass', () => {
  const encoder = tinyEncoder();
  const masker = Masker.create(encoder, { numClasses: 5, firstUpsamplerChannels: 8, seed: 4 });
  const image = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
  after(() => {
    tf.dispose(image);
    masker.dispose();
    encoder.dispose();
  });

  it('gives the masks of the image repeated once per class, in class order', () => {
    const classes = [3, 0, 4];
    const shared = masker.predict(image, classes);
    const tiled = tf.tile(image, [3, 1, 1, 1]) as tf.Tensor4D;
    const repeated = masker.predict(tiled, classes);
    tiled.dispose();
    expect(shared.mask.shape).to.deep.equal([3, 16, 16, 1]);
    for (const key of ['mask', 'lowResMask', 'gates'] as const) {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(shared[key], repeated[key]))).dataSync()[0]);
      expect(diff, key).to.be.lessThan(1e-6);
    }
    // The classes differ, so the masks do.
    const [a, b] = tf.tidy(() =>
      tf
        .split(shared.mask, 3)
        .slice(0, 2)
        .map((t) => t.dataSync()),
    );
    expect(Array.from(a)).to.not.deep.equal(Array.from(b));
    tf.dispose([shared.mask, shared.lowResMask, shared.gates]);
    tf.dispose([repeated.mask, repeated.lowResMask, repeated.gates]);
  });

  it('does not leak, and still wants one class per image for a batch', () => {
    const { before, after } = expectNoLeak(() =>
      tf.dispose(Object.values(masker.predict(image, [1, 2]))),
    );
    expect(after).to.equal(before);
    const two = tf.tile(image, [2, 1, 1, 1]) as tf.Tensor4D;
    expect(() => masker.predict(two, [1, 2, 3])).to.throw(
      /classes has 3 entries but images \[2, 16, 16, 3\] hold 2/,
    );
    two.dispose();
  });
});
