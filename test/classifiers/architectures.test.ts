import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { ARCHITECTURE_NAMES, logitsModel } from '../../lib/classifiers/architecture';
import { buildArchitecture } from '../../lib/classifiers/architectures';
import { modelCost } from '../../lib/classifiers/model-cost';

describe('black-box architectures', () => {
  for (const name of ARCHITECTURE_NAMES) {
    describe(name, () => {
      let model: tf.LayersModel;
      before(() => (model = buildArchitecture(name, { seed: 3 })));
      after(() => model.dispose());

      it('maps [B, 64, 64, 3] to probabilities [B, 10]', () => {
        const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 1);
        const p = model.predict(x) as tf.Tensor;
        expect(p.shape).to.deep.equal([2, 10]);
        const sums = p.sum(1).arraySync() as number[];
        sums.forEach((s) => expect(s).to.be.closeTo(1, 1e-5));
        tf.dispose([x, p]);
      });

      it('has a finite, non-zero gradient with respect to its input on the current backend', () => {
        const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 2);
        const logits = logitsModel(model);
        const g = tf.grad((input: tf.Tensor) =>
          tf.sum(tf.mul(logits.apply(input) as tf.Tensor, tf.range(0, 10))),
        )(x);
        const values = g.dataSync();
        expect(values.every(Number.isFinite)).to.equal(true);
        expect(tf.tidy(() => g.abs().max().dataSync()[0])).to.be.greaterThan(0);
        tf.dispose([x, g]);
      });

      it('is cheap: under 100 MFLOP per image and under 8 MB of weights ("a few MB" committed)', () => {
        const cost = modelCost(model);
        expect(cost.flops).to.be.below(100e6);
        expect(cost.weightBytes).to.be.below(8e6);
      });

      it('is the same net for the same seed', () => {
        const again = buildArchitecture(name, { seed: 3 });
        const a = model.getWeights()[0].dataSync();
        const b = again.getWeights()[0].dataSync();
        expect(Array.from(b)).to.deep.equal(Array.from(a));
        again.dispose();
      });

      it('is the same net for the default seed 0 (which tfjs alone would read as "no seed")', () => {
        const [first, second] = [0, 1].map(() => buildArchitecture(name, { seed: 0 }));
        expect(Array.from(second.getWeights()[0].dataSync())).to.deep.equal(
          Array.from(first.getWeights()[0].dataSync()),
        );
        first.dispose();
        second.dispose();
      });
    });
  }

  it('rejects an unknown architecture, naming the valid ones', () => {
    expect(() => buildArchitecture('vgg' as never)).to.throw(/residual/);
  });
});
