import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { gaussianBlur, gaussianKernel1d } from '../../lib/image/gaussian-blur';
import { expectNoLeak } from '../helpers/tiny-black-box';
import { engineInfo, initEngine } from '../../lib/engine/backend';
import { MIRROR_BLUR } from '../../lib/engine/mirror-blur';

/** Reference blur in plain JS: infinite mirror extension, separable kernel. */
function referenceBlur(img: number[][], sigma: number): number[][] {
  const k = gaussianKernel1d(sigma);
  const r = (k.length - 1) / 2;
  const reflect = (i: number, n: number) => {
    if (n === 1) return 0;
    const period = 2 * (n - 1);
    const m = ((i % period) + period) % period;
    return m < n ? m : period - m;
  };
  const h = img.length;
  const w = img[0].length;
  const rows = img.map((_, i) =>
    img[0].map((__, j) => k.reduce((s, wk, t) => s + wk * img[reflect(i + t - r, h)][j], 0)),
  );
  return rows.map((row) =>
    row.map((_, j) => k.reduce((s, wk, t) => s + wk * row[reflect(j + t - r, w)], 0)),
  );
}

describe('image/gaussian-blur', () => {
  it('builds a kernel that sums to 1, is symmetric and has radius ceil(3σ)', () => {
    const k = gaussianKernel1d(1.5);
    expect(k.length).to.equal(2 * 5 + 1);
    expect(k.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-6);
    for (let i = 0; i < k.length; i++) expect(k[i]).to.be.closeTo(k[k.length - 1 - i], 1e-7);
    // Hand value: σ = 1, r = 1: weights ∝ [e^-0.5, 1, e^-0.5].
    const e = Math.exp(-0.5);
    const k1 = gaussianKernel1d(1, 1);
    expect(k1[1]).to.be.closeTo(1 / (1 + 2 * e), 1e-6);
    expect(k1[0]).to.be.closeTo(e / (1 + 2 * e), 1e-6);
  });

  it('keeps a constant image constant, borders included', () => {
    const img = tf.fill([2, 6, 5, 3], 0.7) as tf.Tensor4D;
    const out = gaussianBlur(img, 2);
    expect(out.shape).to.deep.equal([2, 6, 5, 3]);
    for (const v of out.dataSync()) expect(v).to.be.closeTo(0.7, 1e-5);
    tf.dispose([img, out]);
  });

  it('matches a plain-JS mirror-extended blur, also with radius larger than the image', () => {
    const values = [
      [0, 1, 0, 0.5],
      [0.2, 0.9, 0.1, 0],
      [1, 0, 0.3, 0.6],
    ];
    const img = tf.tensor4d(values.flat(), [1, 3, 4, 1]);
    for (const sigma of [0.8, 4]) {
      const out = gaussianBlur(img, sigma);
      const ref = referenceBlur(values, sigma).flat();
      const got = out.dataSync();
      ref.forEach((v, i) => expect(got[i]).to.be.closeTo(v, 1e-5));
      out.dispose();
    }
    img.dispose();
  });

  it('blurs each channel separately and handles 1-pixel axes', () => {
    const img = tf.tensor4d([0, 1, 1, 0, 0, 1], [1, 1, 3, 2]);
    const out = gaussianBlur(img, 1);
    const ch0 = referenceBlur([[0, 1, 0]], 1)[0];
    const ch1 = referenceBlur([[1, 0, 1]], 1)[0];
    const got = out.dataSync();
    ch0.forEach((v, j) => expect(got[2 * j]).to.be.closeTo(v, 1e-5));
    ch1.forEach((v, j) => expect(got[2 * j + 1]).to.be.closeTo(v, 1e-5));
    tf.dispose([img, out]);
  });

  it('rejects a negative sigma and a wrong rank with the shape', () => {
    const img = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    expect(() => gaussianBlur(img, -1)).to.throw(/sigma/);
    const flat = tf.zeros([2, 2]);
    expect(() => gaussianBlur(flat as unknown as tf.Tensor4D, 1)).to.throw(/\[2, 2\]/);
    tf.dispose([img, flat]);
  });

  it('blurs an empty batch to an empty batch (mirror padding rejects an empty axis)', () => {
    const none = tf.zeros([0, 8, 8, 3]) as tf.Tensor4D;
    const out = gaussianBlur(none, 3);
    expect(out.shape).to.deep.equal([0, 8, 8, 3]);
    const { before, after } = expectNoLeak(() => gaussianBlur(none, 3).dispose());
    expect(after).to.equal(before);
    tf.dispose([none, out]);
  });

  it('runs as one native kernel on the onednn engine, equal to the blur of tfjs ops', async function () {
    if (engineInfo().engine !== 'onednn') this.skip();
    const images = tf.randomUniform([3, 20, 17, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
    const profile = await tf.profile(() => gaussianBlur(images, 2.5));
    expect(profile.kernels.map((k) => k.name)).to.deep.equal([MIRROR_BLUR]);
    const native = gaussianBlur(images, 2.5);
    await initEngine({ engine: 'wasm' });
    const viaOps = gaussianBlur(tf.tensor4d(images.dataSync(), images.shape), 2.5);
    const opsValues = viaOps.dataSync();
    viaOps.dispose();
    await initEngine({ engine: 'onednn' });
    const nativeValues = native.dataSync();
    const diff = Math.max(...Array.from(nativeValues, (v, i) => Math.abs(v - opsValues[i])));
    expect(diff).to.be.below(1e-6);
    tf.dispose([images, native]);
  });

  it('does not leak', () => {
    const img = tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const { before, after } = expectNoLeak(() => gaussianBlur(img, 3).dispose());
    expect(after).to.equal(before);
    img.dispose();
  });
});
