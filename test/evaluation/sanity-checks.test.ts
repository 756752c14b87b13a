import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { buildArchitecture } from '../../lib/classifiers/architectures';
import {
  randomiseLayers,
  saveWeights,
  summariseSimilarity,
  weightedBlocks,
} from '../../lib/evaluation/sanity-checks';

describe('evaluation/sanity-checks', () => {
  it('groups weighted layers into blocks by name prefix, input side first', () => {
    const plain = buildArchitecture('plain');
    expect(weightedBlocks(plain).map((b) => b.block)).to.deep.equal([
      'conv1',
      'conv2',
      'conv3',
      'conv4',
      'fc1',
      'logits',
    ]);
    plain.dispose();
    const inception = buildArchitecture('inception');
    const blocks = weightedBlocks(inception);
    expect(blocks.map((b) => b.block)).to.deep.equal([
      'stem',
      'inception_a',
      'inception_b',
      'inception_d',
      'logits',
    ]);
    expect(blocks[1].layers).to.have.length(7);
    inception.dispose();
  });

  it('randomises only the named layers, keeping their scale, and restores the trained weights', () => {
    const model = buildArchitecture('plain', { seed: 2 });
    const images = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const before = (model.predict(images) as tf.Tensor).arraySync();
    const conv1 = model.getLayer('conv1').getWeights()[0].dataSync().slice();
    const logits = model.getLayer('logits').getWeights()[0];
    const { mean, variance } = tf.moments(logits);
    const [m, v] = [mean.dataSync()[0], variance.dataSync()[0]];
    const saved = saveWeights(model);
    const tensors = tf.memory().numTensors;
    randomiseLayers(model, ['logits'], 5);
    expect(tf.memory().numTensors).to.equal(tensors);
    expect(Array.from(model.getLayer('conv1').getWeights()[0].dataSync())).to.deep.equal(
      Array.from(conv1),
    );
    const random = model.getLayer('logits').getWeights()[0];
    const r = tf.moments(random);
    expect(r.mean.dataSync()[0]).to.be.closeTo(m, 0.01);
    expect(Math.sqrt(r.variance.dataSync()[0])).to.be.closeTo(Math.sqrt(v), 0.1 * Math.sqrt(v));
    const changed = (model.predict(images) as tf.Tensor).arraySync();
    expect(changed).to.not.deep.equal(before);
    saved.restore();
    expect((model.predict(images) as tf.Tensor).arraySync()).to.deep.equal(before);
    saved.dispose();
    tf.dispose([images, mean, variance, r.mean, r.variance]);
    model.dispose();
  });

  it('summarises the similarity of two map sets', () => {
    const a = tf.randomUniform([3, 16, 16, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const s = summariseSimilarity(a, a);
    expect(s.images).to.equal(3);
    expect(s.spearman.mean).to.be.closeTo(1, 1e-9);
    expect(s.ssim.mean).to.be.closeTo(1, 1e-6);
    expect(s.constantShare).to.equal(0);
    a.dispose();
  });
});
