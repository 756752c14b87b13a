import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { fitOnBatches } from '../../lib/classifiers/fit-on-batches';

describe('classifiers/fit-on-batches', () => {
  it('fits one fixed batch: the loss falls, one record per step, nothing leaks', async () => {
    const images = tf.randomUniform([8, 64, 64, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const labels = [0, 1, 2, 3, 0, 1, 2, 3];
    const before = tf.memory().numTensors;
    const fit = await fitOnBatches({ arch: 'plain', steps: 12, learningRate: 3e-3 }, () => ({
      images: images.clone(),
      labels,
    }));
    expect(fit.record.map((s) => s.step)).to.deep.equal(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    expect(fit.record[11].loss).to.be.below(fit.record[0].loss * 0.7);
    const weights = fit.model.getWeights().length;
    fit.model.dispose();
    expect(tf.memory().numTensors - before).to.equal(0, `${weights} weights`);
    images.dispose();
  });

  it('rejects a step count that is not a positive integer', async () => {
    let error: unknown;
    try {
      await fitOnBatches({ arch: 'plain', steps: 0 }, () => {
        throw new Error('never called');
      });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/fitOnBatches: steps must be an integer >= 1/);
  });
});
