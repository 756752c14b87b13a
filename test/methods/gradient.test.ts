import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { gradientSaliency } from '../../lib/methods/gradient';
import { linearWhiteBox, softmaxGradient } from '../helpers/linear-models';

describe('methods/gradient', () => {
  it('matches the hand-computed gradient of a linear softmax model', async () => {
    // 2×2 images with 2 channels, 3 classes; x flattened as [H, W, C].
    const weights = [
      [1, -2, 0.5, 0, 3, 1, -1, 2],
      [0, 1, -1, 2, 0.5, -0.5, 1, 0],
      [-1, 0, 2, 1, -2, 0, 0.5, -1],
    ];
    const box = linearWhiteBox(weights, [2, 2], 2);
    const xs = [
      [0.1, 0.9, 0.4, 0.3, 0.8, 0.2, 0.5, 0.6],
      [0.7, 0.2, 0.0, 1.0, 0.3, 0.3, 0.9, 0.1],
    ];
    const classes = [0, 2];
    const images = tf.tensor4d(xs.flat(), [2, 2, 2, 2]);
    const maps = await gradientSaliency(box, images, classes);
    const got = Array.from(maps.dataSync());
    xs.forEach((x, b) => {
      const g = softmaxGradient(weights, x, classes[b]);
      // max over channels of |g|, then divided by the image's maximum.
      const pixel = [0, 1, 2, 3].map((p) => Math.max(Math.abs(g[2 * p]), Math.abs(g[2 * p + 1])));
      const top = Math.max(...pixel);
      pixel.forEach((v, p) => expect(got[b * 4 + p]).to.be.closeTo(v / top, 1e-5));
    });
    tf.dispose([images, maps]);
  });
});
