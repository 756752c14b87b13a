import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import {
  MakeVariable,
  createUpsamplerBlock,
  upsamplerBlock,
} from '../../lib/masker/upsampler-block';
import { expectNoLeak } from '../helpers/tiny-black-box';

function maker(): { make: MakeVariable; variables: Map<string, tf.Variable> } {
  const variables = new Map<string, tf.Variable>();
  let seed = 1;
  const make: MakeVariable = (name, shape, init) => {
    const v = tf.variable(
      init === 'zeros'
        ? tf.zeros(shape)
        : tf.initializers.glorotUniform({ seed: seed++ }).apply(shape),
    );
    variables.set(name, v);
    return v;
  };
  return { make, variables };
}

describe('masker/upsampler-block', () => {
  it('doubles the resolution, joins the skip map and outputs the configured channels', () => {
    const { make, variables } = maker();
    const weights = createUpsamplerBlock(
      { inChannels: 6, skipChannels: 3, outChannels: 8 },
      make,
      'up0',
    );
    expect(weights.residual).to.have.length(3);
    expect(weights.residual[0].projection?.kernel.shape).to.deep.equal([1, 1, 11, 8]);
    expect(weights.residual[1].projection).to.equal(undefined);
    expect(weights.residual[0].reduce.kernel.shape).to.deep.equal([1, 1, 11, 2]);
    expect(weights.residual[0].conv.kernel.shape).to.deep.equal([3, 3, 2, 2]);
    expect(weights.up.kernel.shape).to.deep.equal([2, 2, 8, 6]);
    expect([...variables.keys()]).to.include('up0/residual2/expand/bias');
    const x = tf.randomNormal([2, 3, 4, 6], 0, 1, 'float32', 1) as tf.Tensor4D;
    const skip = tf.randomNormal([2, 6, 8, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const y = upsamplerBlock(weights, x, skip);
    expect(y.shape).to.deep.equal([2, 6, 8, 8]);
    expect(y.min().dataSync()[0]).to.be.at.least(0); // ends in a ReLU
    tf.dispose([x, skip, y, ...variables.values()]);
  });

  it('honours residualBlocks and bottleneckDivisor', () => {
    const { make, variables } = maker();
    const weights = createUpsamplerBlock(
      { inChannels: 4, skipChannels: 2, outChannels: 8, residualBlocks: 1, bottleneckDivisor: 2 },
      make,
      'b',
    );
    expect(weights.residual).to.have.length(1);
    expect(weights.residual[0].reduce.kernel.shape).to.deep.equal([1, 1, 10, 4]);
    tf.dispose([...variables.values()]);
  });

  it('rejects a skip map of the wrong size, naming the shapes', () => {
    const { make, variables } = maker();
    const weights = createUpsamplerBlock(
      { inChannels: 4, skipChannels: 2, outChannels: 4 },
      make,
      'b',
    );
    const x = tf.zeros([1, 2, 2, 4]) as tf.Tensor4D;
    const skip = tf.zeros([1, 3, 4, 2]) as tf.Tensor4D;
    expect(() => upsamplerBlock(weights, x, skip)).to.throw(/\[1, 4, 4, \*\].*\[1, 3, 4, 2\]/);
    tf.dispose([x, skip, ...variables.values()]);
  });

  it('does not leak', () => {
    const { make, variables } = maker();
    const weights = createUpsamplerBlock(
      { inChannels: 4, skipChannels: 2, outChannels: 4 },
      make,
      'b',
    );
    const x = tf.randomNormal([1, 2, 2, 4]) as tf.Tensor4D;
    const skip = tf.randomNormal([1, 4, 4, 2]) as tf.Tensor4D;
    const { before, after } = expectNoLeak(() => upsamplerBlock(weights, x, skip).dispose());
    expect(after).to.equal(before);
    tf.dispose([x, skip, ...variables.values()]);
  });
});
