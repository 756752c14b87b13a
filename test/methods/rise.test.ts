import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../lib/core/random';
import { normaliseMaps } from '../../lib/methods/normalise';
import { rise, riseMasks } from '../../lib/methods/rise';
import { tinyBlackBox } from '../helpers/tiny-black-box';

describe('methods/rise', () => {
  const box = tinyBlackBox(12, 12, 3, 4);
  let images: tf.Tensor4D;
  before(() => (images = tf.randomUniform([2, 12, 12, 3], 0, 1, 'float32', 5) as tf.Tensor4D));
  after(() => {
    images.dispose();
    box.dispose();
  });

  it('makes smooth masks in [0, 1] with mean ≈ keep probability', () => {
    const masks = riseMasks(400, [12, 12], 4, 0.3, new Random(1));
    expect(masks.shape).to.deep.equal([400, 12, 12, 1]);
    expect(masks.min().dataSync()[0]).to.be.at.least(0);
    expect(masks.max().dataSync()[0]).to.be.at.most(1 + 1e-6);
    expect(masks.mean().dataSync()[0]).to.be.closeTo(0.3, 0.03);
    masks.dispose();
  });

  it('is deterministic for a seed, whatever the batch size', async () => {
    const a = await rise(box, images, [1, 3], { numMasks: 100, seed: 7 });
    const b = await rise(box, images, [1, 3], { numMasks: 100, seed: 7, batchSize: 13 });
    const c = await rise(box, images, [1, 3], { numMasks: 100, seed: 8 });
    const [va, vb, vc] = [a, b, c].map((t) => Array.from(t.dataSync()));
    va.forEach((v, i) => expect(v).to.be.closeTo(vb[i], 1e-5));
    expect(va.some((v, i) => Math.abs(v - vc[i]) > 1e-3)).to.equal(true);
    tf.dispose([a, b, c]);
  });

  it('computes Σ p_c(X ⊙ m)·m / (N·p), min-max normalised', async () => {
    const n = 50;
    const got = await rise(box, images, [2, 0], {
      numMasks: n,
      gridSize: 3,
      keepProbability: 0.5,
      seed: 4,
      batchSize: 16,
    });
    const want = tf.tidy(() => {
      const masks = riseMasks(n, [12, 12], 3, 0.5, new Random(4));
      const maps = [0, 1].map((b) => {
        const x = tf.slice(images, [b, 0, 0, 0], [1, 12, 12, 3]);
        const p = tf.gather(box.predict(tf.mul(x, masks) as tf.Tensor4D), [[2, 0][b]], 1); // [N, 1]
        return tf.div(tf.sum(tf.mul(tf.reshape(p, [n, 1, 1, 1]), masks), 0), n * 0.5);
      });
      return normaliseMaps(tf.stack(maps) as tf.Tensor4D, 'min-max');
    });
    const [g, w] = [got.dataSync(), want.dataSync()];
    w.forEach((v, i) => expect(g[i]).to.be.closeTo(v, 1e-5));
    tf.dispose([got, want]);
  });

  it('rejects bad options', async () => {
    let error: Error | undefined;
    await rise(box, images, [0, 0], { keepProbability: 0 }).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/keepProbability must be in \(0, 1\], got 0/);
  });
});
