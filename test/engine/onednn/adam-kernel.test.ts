/** The onednn engine's native Adam step against the wasm engine's JavaScript one. */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { onOnednnEngine } from '../../helpers/onednn-engine';
import { loadOnednnAddon } from '../../../lib/engine/onednn/addon';
import { registerOnednnKernels, unregisterOnednnKernels } from '../../../lib/engine/onednn/index';
import { ADAM_UPDATE } from '../../../lib/engine/adam-update';

describe('engine/onednn/adam-kernel', function () {
  onOnednnEngine();

  const attrs = {
    learningRate: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    correction1: 1 - 0.9 ** 3,
    correction2: 1 - 0.999 ** 3,
  };
  const step = (inputs: tf.NamedTensorMap) =>
    (tf.engine().runKernel(ADAM_UPDATE, inputs, attrs) as tf.Tensor[]).map((t) => {
      const values = t.dataSync();
      t.dispose();
      return values;
    });

  it('writes the same bits as the JavaScript kernel, and does not leak', () => {
    const shape = [7, 5, 3];
    const inputs = {
      value: tf.randomNormal(shape, 0, 1, 'float32', 50),
      gradient: tf.randomNormal(shape, 0, 0.1, 'float32', 51),
      m: tf.randomNormal(shape, 0, 0.01, 'float32', 52),
      v: tf.randomUniform(shape, 0, 1e-3, 'float32', 53),
    };
    const native = step(inputs);
    unregisterOnednnKernels();
    const javascript = step(inputs);
    registerOnednnKernels();
    native.forEach((values, i) =>
      expect(Array.from(values), `output ${i}`).to.deep.equal(Array.from(javascript[i])),
    );
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step(inputs);
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose(Object.values(inputs));
  });

  it('rejects arrays of other lengths and bad parameters, naming them', () => {
    const addon = loadOnednnAddon();
    const f = (n: number) => new Float32Array(n);
    const params = Float64Array.from([0.01, 0.9, 0.999, 1e-7, 0.1, 0.001]);
    expect(() => addon.adamUpdate(f(4), f(4), f(3), f(4), f(4), f(4), f(4), params)).to.throw(
      /m has 3 values, the shape needs 4/,
    );
    expect(() =>
      addon.adamUpdate(f(4), f(4), f(4), f(4), f(4), f(4), f(4), new Float64Array(5)),
    ).to.throw(/params must hold 6 values/);
    expect(() =>
      addon.adamUpdate(f(4), f(4), f(4), f(4), f(4), f(4), f(4), f(6) as unknown as Float64Array),
    ).to.throw(/params must be a Float64Array/);
  });
});
