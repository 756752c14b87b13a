import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { gradCam } from '../../lib/methods/grad-cam';
import { isWhiteBox } from '../../lib/classifiers/white-box';
import { tinyBlackBox } from '../helpers/tiny-black-box';
import { linearWhiteBox, softmaxGradient } from '../helpers/linear-models';

describe('methods/grad-cam', () => {
  it('tells white boxes from black boxes', () => {
    const black = tinyBlackBox(2, 2, 1, 2);
    expect(isWhiteBox(black)).to.equal(false);
    expect(isWhiteBox(linearWhiteBox([[1, 1, 1, 1]], [2, 2], 1))).to.equal(true);
    black.dispose();
  });

  it('matches ReLU(Σ_k α_k A_k) computed by hand', async () => {
    // Features A = the image itself ([2, 2, 2]); α_k = mean over pixels of ∂p_c/∂A_k.
    const weights = [
      [2, -1, 1, 0.5, -1, 1, 0, 2],
      [-1, 1, 0, -0.5, 1, 0, 1, -1],
    ];
    const x = [0.2, 0.8, 0.6, 0.1, 0.9, 0.4, 0.3, 0.7];
    const box = linearWhiteBox(weights, [2, 2], 2);
    const images = tf.tensor4d(x, [1, 2, 2, 2]);
    const maps = await gradCam(box, images, [0]);
    const g = softmaxGradient(weights, x, 0);
    const alpha = [0, 1].map((k) => [0, 1, 2, 3].reduce((s, p) => s + g[2 * p + k], 0) / 4);
    const raw = [0, 1, 2, 3].map((p) => Math.max(0, alpha[0] * x[2 * p] + alpha[1] * x[2 * p + 1]));
    const top = Math.max(...raw);
    expect(top).to.be.above(0);
    const got = Array.from(maps.dataSync());
    raw.forEach((v, p) => expect(got[p]).to.be.closeTo(v / top, 1e-5));
    tf.dispose([images, maps]);
  });
});
