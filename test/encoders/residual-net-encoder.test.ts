import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { residualEncoder } from '../../lib/encoders/residual-net-encoder';
import { buildResidualNet, RESIDUAL_STAGES } from '../../lib/classifiers/residual-net';
import { buildPlainNet } from '../../lib/classifiers/plain-net';

describe('residualEncoder', () => {
  let model: tf.LayersModel;
  before(() => (model = buildResidualNet({ seed: 1 })));
  after(() => model.dispose());

  it('gives maps at strides 2, 4, 8, 16, finest first, with the declared shapes', () => {
    const encoder = residualEncoder(model);
    expect(encoder.scales.map((s) => s.stride)).to.deep.equal([2, 4, 8, 16]);
    expect(encoder.tappedLayers).to.deep.equal(['stage1', 'stage2', 'stage3', 'stage4']);
    expect(encoder.scales.map((s) => s.channels)).to.deep.equal(
      RESIDUAL_STAGES.map((s) => s.channels),
    );
    const x = tf.randomUniform([2, 64, 64, 3]) as tf.Tensor4D;
    const maps = encoder.encode(x);
    expect(maps.map((m) => m.shape)).to.deep.equal(
      encoder.scales.map((s) => [2, 64 / s.stride, 64 / s.stride, s.channels]),
    );
    tf.dispose([x, ...maps]);
  });

  it('shares the trained weights: its deepest map feeds the classifier head', () => {
    const encoder = residualEncoder(model);
    const x = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const maps = encoder.encode(x);
    const viaEncoder = tf.tidy(() =>
      tf.softmax(model.getLayer('logits').apply(tf.mean(maps[3], [1, 2])) as tf.Tensor),
    );
    const direct = model.predict(x) as tf.Tensor;
    expect(tf.tidy(() => viaEncoder.sub(direct).abs().max().dataSync()[0])).to.be.below(1e-6);
    tf.dispose([x, viaEncoder, direct, ...maps]);
  });

  it('does not leak tensors over repeated calls', () => {
    const encoder = residualEncoder(model);
    const x = tf.randomUniform([1, 64, 64, 3]) as tf.Tensor4D;
    tf.dispose(encoder.encode(x));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(encoder.encode(x));
    expect(tf.memory().numTensors).to.equal(before);
    x.dispose();
  });

  it('refuses a net without stage layers, naming the missing layer', () => {
    const plain = buildPlainNet();
    expect(() => residualEncoder(plain)).to.throw(/no layer 'stage1'/);
    plain.dispose();
  });
});
