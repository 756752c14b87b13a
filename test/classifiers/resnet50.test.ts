import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { encoderFor } from '../../lib/encoders/encoder-for';
import { buildResNet50 } from '../../lib/classifiers/resnet50';

describe('classifiers/resnet50', () => {
  let model: tf.LayersModel;
  before(() => (model = buildResNet50({ inputSize: [64, 64] })));
  after(() => model.dispose());

  it("has ResNet-50's parameters: torchvision's 25,557,032 less batch norm's 53,120, plus a bias per convolution channel (26,560)", () => {
    expect(model.countParams()).to.equal(25557032 - 53120 + 26560);
    expect(model.layers.filter((l) => l.getClassName() === 'Conv2D')).to.have.length(53);
  });

  it("gives the paper's encoder taps automatically: the stem and each stage's last block, strides 2..32", () => {
    const encoder = encoderFor(model, { kind: 'own' });
    expect(encoder.record.taps).to.deep.equal([
      'conv1',
      'conv2_block3_out',
      'conv3_block4_out',
      'conv4_block6_out',
      'conv5_block3_out',
    ]);
    expect(encoder.scales).to.deep.equal(
      [64, 256, 512, 1024, 2048].map((channels, i) => ({ stride: 2 ** (i + 1), channels })),
    );
  });

  it('classifies into 1000 classes by default, and refuses sizes that five halvings do not divide', () => {
    const p = tf.tidy(() => model.predict(tf.zeros([1, 64, 64, 3])) as tf.Tensor);
    expect(p.shape).to.deep.equal([1, 1000]);
    expect(p.sum().dataSync()[0]).to.be.closeTo(1, 1e-5);
    p.dispose();
    expect(() => buildResNet50({ inputSize: [48, 48] })).to.throw(
      'ResNet-50 inputSize must be multiples of 32 (five halvings), got [48, 48]',
    );
  });
});
