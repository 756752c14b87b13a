import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { segmentationIoU } from '../../lib/metrics/segmentation';
import { expectNoLeak } from '../helpers/tiny-black-box';

describe('metrics/segmentation', () => {
  it('computes the IoU of the thresholded map with the silhouette by hand', () => {
    // 2×3 maps. Image 0 region (above mean 0.5): pixels 0, 1, 2; silhouette: 1, 2, 3 → IoU 2/4.
    // Image 1: all-zero map (empty region) against an empty silhouette → 0.
    const maps = tf.tensor4d([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], [2, 2, 3, 1]);
    const silhouettes = Uint8Array.from([0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(segmentationIoU(maps, silhouettes)).to.deep.equal([0.5, 0]);
    expect(segmentationIoU(maps, silhouettes, { alpha: 0 })[0]).to.equal(0.5);
    maps.dispose();
  });

  it('rejects a silhouette of the wrong size and does not leak', () => {
    const maps = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
    expect(() => segmentationIoU(maps, new Uint8Array(5))).to.throw(
      /silhouettes have 5 values, expected B\*H\*W = 1\*2\*2 = 4/,
    );
    const { before, after } = expectNoLeak(() => segmentationIoU(maps, new Uint8Array(4)));
    expect(after).to.equal(before);
    maps.dispose();
  });
});

describe('metrics/segmentation input checks', () => {
  it('rejects NaN maps (their region used to come out empty) and keeps an empty batch empty', () => {
    const nan = tf.fill([1, 2, 2, 1], NaN) as tf.Tensor4D;
    const none = tf.zeros([0, 2, 2, 1]) as tf.Tensor4D;
    expect(() => segmentationIoU(nan, new Uint8Array(4))).to.throw(
      'segmentationIoU: saliency maps [1, 2, 2, 1] must be finite, got 4 NaN values (of 4)',
    );
    expect(segmentationIoU(none, new Uint8Array(0))).to.deep.equal([]);
    tf.dispose([nan, none]);
  });
});
