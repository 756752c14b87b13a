import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { occlusion } from '../../lib/methods/occlusion';
import { linearWhiteBox } from '../helpers/linear-models';

describe('methods/occlusion', () => {
  // One grey channel, 4×4: the class-0 logit reads only pixel (0, 0); class 1 has a zero logit.
  const weights = [[4, ...new Array(15).fill(0)], new Array(16).fill(0)];
  const box = linearWhiteBox(weights, [4, 4], 1);
  const image = () => tf.tensor4d([0.9, ...new Array(15).fill(0.2)], [1, 4, 4, 1]);

  it('gives the hand-computed map with disjoint patches', async () => {
    const x = image();
    const maps = await occlusion(box, x, [0], { patchSize: 2, stride: 2 });
    expect(Array.from(maps.dataSync())).to.deep.equal([
      1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    tf.dispose([x, maps]);
  });

  it('averages the drops of overlapping patches', async () => {
    // Patches of 2 at stride 1: pixel (i, j) is covered by 1, 2 or 4 patches, one of which holds (0, 0).
    const x = image();
    const maps = await occlusion(box, x, [0], { patchSize: 2, stride: 1, batchSize: 4 });
    const want = [1, 0.5, 0, 0, 0.5, 0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    Array.from(maps.dataSync()).forEach((v, i) => expect(v).to.be.closeTo(want[i], 1e-6));
    tf.dispose([x, maps]);
  });

  it('fills with the blurred image on request', async () => {
    // At 32×32 the blur (σ = 10·32/224 px) pulls the bright pixel (0, 0) towards its dark surround.
    const big = linearWhiteBox(
      [[4, ...new Array(1023).fill(0)], new Array(1024).fill(0)],
      [32, 32],
      1,
    );
    const x = tf.tensor4d([0.9, ...new Array(1023).fill(0.2)], [1, 32, 32, 1]);
    const maps = await occlusion(big, x, [0], { fill: 'blur' });
    const values = maps.dataSync();
    expect(values[0]).to.equal(1);
    expect(values[31 * 32 + 31]).to.equal(0);
    tf.dispose([x, maps]);
  });

  it('rejects patches that do not fit', async () => {
    const x = image();
    let error: Error | undefined;
    await occlusion(box, x, [0], { patchSize: 5 }).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/patchSize must be an integer in \[1, 4\], got 5/);
    x.dispose();
  });
});
