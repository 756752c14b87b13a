import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { enlargeBilinear } from '../../lib/image/enlarge-bilinear';

describe('image/enlargeBilinear', () => {
  it('matches tf.image.resizeBilinear with half-pixel centres', () => {
    const [h, w, c] = [5, 7, 3];
    const data = Float32Array.from({ length: h * w * c }, (_, i) => (i * 37) % 101);
    for (const output of [
      [12, 9],
      [5, 20],
      [11, 7],
    ] as [number, number][]) {
      const ours = enlargeBilinear(data, [h, w], c, output);
      const theirs = tf.tidy(() =>
        tf.image.resizeBilinear(tf.tensor3d(data, [h, w, c]), output, false, true).dataSync(),
      );
      expect(ours.length).to.equal(theirs.length);
      ours.forEach((v, i) => expect(v).to.be.closeTo(theirs[i], 1e-3));
    }
  });

  it('scales content about the corner: a bar centred at x keeps its centre at x·W/w', () => {
    const w = 28;
    const bar = Float32Array.from({ length: w }, (_, x) => (x >= 7 && x < 17 ? 1 : 0));
    const out = enlargeBilinear(bar, [1, w], 1, [1, 64]);
    const mass = out.reduce((a, b) => a + b, 0);
    const centre = out.reduce((a, v, x) => a + v * (x + 0.5), 0) / mass;
    // Sampling a linear ramp at the edges moves the centre by a hundredth of a pixel at most; sharp's enlargement moved it by half a pixel.
    expect(centre).to.be.closeTo(12 * (64 / 28), 0.02);
    expect(mass).to.be.closeTo(10 * (64 / 28), 0.05);
  });

  it('names bad sizes and data lengths', () => {
    expect(() => enlargeBilinear([1, 2], [1, 2], 1, [0, 4])).to.throw(
      'enlargeBilinear: sizes and channels must be positive integers, got [1, 2] → [0, 4], 1 channels',
    );
    expect(() => enlargeBilinear([1, 2, 3], [1, 2], 1, [2, 4])).to.throw(
      'enlargeBilinear: data holds 3 values, expected 1·2·1 = 2',
    );
  });
});
