import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { encoderFor } from '../../lib/encoders/encoder-for';
import { featureModelEncoder } from '../../lib/encoders/feature-model-encoder';
import { fileSystemHandler } from '../../lib/io/file-io-handler';
import { buildResidualNet } from '../../lib/classifiers/residual-net';
import { GraphModelBuilder } from '../helpers/graph-model-builder';
import { tinyConvClassifier } from '../helpers/tiny-conv-classifier';

/** A LayersModel whose outputs are maps at strides 4 and 2 (coarsest listed first). */
function layersFeatureModel(): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3] });
  const s2 = tf.layers
    .conv2d({
      name: 'f2',
      filters: 5,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      kernelInitializer: tf.initializers.heNormal({ seed: 1 }),
    })
    .apply(input) as tf.SymbolicTensor;
  const s4 = tf.layers
    .conv2d({
      name: 'f4',
      filters: 7,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      kernelInitializer: tf.initializers.heNormal({ seed: 2 }),
    })
    .apply(s2) as tf.SymbolicTensor;
  return tf.model({ name: 'features', inputs: input, outputs: [s4, s2] });
}

describe('encoders/encoder-for', () => {
  let tmp = '';
  let graphFeatures: tf.GraphModel;
  let fixedGraphFeatures: tf.GraphModel;
  const classifier = tinyConvClassifier(32, 3, 4, { fixedInput: true });
  const layersFeatures = layersFeatureModel();
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'encoder-for-'));
    for (const size of [-1, 32]) {
      const g = new GraphModelBuilder(3);
      const s2 = g.fusedConv(g.input(size, size, 3), {
        kernel: 3,
        filters: 4,
        strides: 2,
        activation: 'Relu',
      });
      const s4 = g.fusedConv(s2, { kernel: 3, filters: 6, strides: 2, activation: 'Relu' });
      g.output(s4, 'stride4');
      g.output(s2, 'stride2');
      g.write(path.join(tmp, String(size)));
    }
    graphFeatures = await tf.loadGraphModel(fileSystemHandler(path.join(tmp, '-1')));
    fixedGraphFeatures = await tf.loadGraphModel(fileSystemHandler(path.join(tmp, '32')));
  });
  after(() => {
    classifier.dispose();
    layersFeatures.dispose();
    graphFeatures.dispose();
    fixedGraphFeatures.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("builds the black box's own encoder, recording kind 'own' and the taps", () => {
    const encoder = encoderFor(classifier.model, { kind: 'own' });
    expect(encoder.record).to.deep.equal({ kind: 'own', taps: ['s2', 's4', 's8', 's16'] });
  });

  it("builds the kit's residual encoder for any black box, grey ones included", () => {
    const net = buildResidualNet({ seed: 1 });
    const grey = tinyConvClassifier(32, 1, 4, { fixedInput: true });
    const encoder = encoderFor(grey.model, { kind: 'residual', net });
    expect(encoder.record).to.deep.equal({
      kind: 'residual',
      taps: ['stage1', 'stage2', 'stage3', 'stage4'],
    });
    const x = tf.randomUniform([1, 32, 32, 1]) as tf.Tensor4D;
    const maps = encoder.encode(x);
    expect(maps.map((m) => m.shape.slice(1, 3))).to.deep.equal([
      [16, 16],
      [8, 8],
      [4, 4],
      [2, 2],
    ]);
    tf.dispose([x, ...maps]);
    grey.dispose();
    net.dispose();
  });

  it('builds a feature-model encoder from its outputs, finest first, LayersModel or GraphModel', () => {
    const layers = encoderFor(classifier.model, { kind: 'features', model: layersFeatures });
    expect(layers.record).to.deep.equal({ kind: 'features', taps: ['f2', 'f4'] });
    expect(layers.scales).to.deep.equal([
      { stride: 2, channels: 5 },
      { stride: 4, channels: 7 },
    ]);
    const graph = encoderFor(classifier.model, { kind: 'features', model: graphFeatures });
    expect(graph.record).to.deep.equal({ kind: 'features', taps: ['stride2', 'stride4'] });
    expect(graph.scales).to.deep.equal([
      { stride: 2, channels: 4 },
      { stride: 4, channels: 6 },
    ]);
    const x = tf.randomUniform([2, 32, 32, 3]) as tf.Tensor4D;
    for (const encoder of [layers, graph]) {
      const maps = encoder.encode(x);
      expect(maps.map((m) => m.shape)).to.deep.equal(
        encoder.scales.map((s) => [2, 32 / s.stride, 32 / s.stride, s.channels]),
      );
      tf.dispose(maps);
    }
    x.dispose();
  });

  it('names a feature model whose outputs are not maps at distinct strides', () => {
    expect(() => featureModelEncoder(classifier.model)).to.throw(
      /tap 'logits' of model 'tiny-conv' outputs \[batch, 4\] at input 32×32: not a spatial feature map/,
    );
    const input = tf.input({ shape: [32, 32, 3] });
    const a = tf.layers
      .conv2d({ name: 'a', filters: 2, kernelSize: 3, strides: 2, padding: 'same' })
      .apply(input) as tf.SymbolicTensor;
    const b = tf.layers
      .conv2d({ name: 'b', filters: 2, kernelSize: 3, padding: 'same' })
      .apply(a) as tf.SymbolicTensor;
    const twice = tf.model({ name: 'twice', inputs: input, outputs: [a, b] });
    expect(() => featureModelEncoder(twice)).to.throw(
      "taps 'a' and 'b' of model 'twice' are both at stride 2; name one per stride",
    );
    twice.dispose();
  });

  it('names a black box whose images the encoder cannot take: another fixed size, a size its coarsest stride does not divide', () => {
    const big = tinyConvClassifier(64, 3, 4, { fixedInput: true });
    expect(() => encoderFor(big.model, { kind: 'features', model: fixedGraphFeatures })).to.throw(
      'the features encoder takes 32×32 images, the black box 64×64',
    );
    expect(encoderFor(big.model, { kind: 'features', model: layersFeatures }).inputSize).to.equal(
      null,
    ); // a LayersModel's convolutions take any size
    big.dispose();
    const odd = tinyConvClassifier(40, 3, 4, { fixedInput: true });
    expect(() => encoderFor(odd.model, { kind: 'own', strides: [2, 4, 8] })).to.not.throw();
    const net = buildResidualNet({ seed: 1 });
    expect(() => encoderFor(odd.model, { kind: 'residual', net })).to.throw(
      "the black box's 40×40 images are not divisible by the residual encoder's coarsest stride 16: use an input size that is a multiple of 16",
    );
    net.dispose();
    odd.dispose();
    expect(() => encoderFor(classifier.model, { kind: 'pretrained' } as never)).to.throw(
      "encoder kind must be one of own, residual, features, got 'pretrained'",
    );
  });
});
