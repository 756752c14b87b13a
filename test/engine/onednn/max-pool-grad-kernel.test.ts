/** The onednn engine's native MaxPoolGrad against the cpu backend. */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { expectMaxPoolGradLikeCpu } from '../../helpers/compare-with-cpu';
import { onOnednnEngine } from '../../helpers/onednn-engine';

describe('engine/onednn/max-pool-grad-kernel', function () {
  onOnednnEngine();

  it('matches the cpu backend over windows, strides, paddings and ties', async () => {
    await expectMaxPoolGradLikeCpu();
  });

  it('does not leak over repeated gradients', () => {
    const x = tf.randomNormal([2, 8, 8, 3]);
    const grad = () => tf.grad((input: tf.Tensor) => tf.maxPool(input as tf.Tensor4D, 3, 2, 'same').square().sum())(x);
    tf.dispose(grad());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(grad());
    expect(tf.memory().numTensors).to.equal(before);
    x.dispose();
  });
});
