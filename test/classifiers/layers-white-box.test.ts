import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { defaultFeatureLayer, layersWhiteBox } from '../../lib/classifiers/layers-white-box';
import { ARCHITECTURE_NAMES } from '../../lib/classifiers/architecture';
import { buildArchitecture } from '../../lib/classifiers/architectures';
import { tfjsModelBlackBox } from '../../lib/classifiers/tfjs-model-black-box';

describe('classifiers/layers-white-box', () => {
  const expected = { plain: 'conv4', inception: 'inception_d/concat', residual: 'stage4' };

  for (const arch of ARCHITECTURE_NAMES) {
    it(`opens ${arch} at ${expected[arch]} with predictFromFeatures(features(x)) = predict(x), no leak`, () => {
      const model = buildArchitecture(arch, { seed: 3 });
      expect(defaultFeatureLayer(model)).to.equal(expected[arch]);
      const box = layersWhiteBox(model, tfjsModelBlackBox(model));
      const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      const [direct, split] = tf.tidy(() => [
        box.predict(x).arraySync(),
        box.predictFromFeatures(box.features(x)).arraySync(),
      ]);
      expect(tf.memory().numTensors).to.equal(before);
      direct.forEach((row, i) => row.forEach((v, k) => expect(split[i][k]).to.be.closeTo(v, 1e-5)));
      x.dispose();
      model.dispose();
    });
  }

  it('rejects a layer that does not cut the graph', () => {
    const model = buildArchitecture('residual');
    expect(() =>
      layersWhiteBox(model, tfjsModelBlackBox(model), { featureLayer: 'stage3_block1/conv_a' }),
    ).to.throw(/does not cut/);
    model.dispose();
  });
});
